"""Dumps what an official Huawei Cloud Python SDK declares about its operations, as JSON.

Usage: python huawei_dump.py MODULE CLIENT

MODULE is the SDK's versioned package (`huaweicloudsdkdbss.v1`), CLIENT its client class
(`DbssClient`). Everything is read from the imported package, not from its text:

- each operation's `_<operation>_http_info(request)`, called with a request whose every
  attribute holds a marker value, gives the method, the path template, the content type, the
  response headers and where each attribute goes (path, query, header, body);
- each model class gives `openapi_types`, `attribute_map` (wire names) and `sensitive_list`;
- a member is required when the class's constructor sets it even when given None (the SDK's
  constructors skip the optional ones);
- an operation is deprecated when calling its method warns so;
- a request or response class that is a stream (a file upload or download) says so.

The output holds facts only: names, wire names, types, flags.
"""

import importlib
import inspect
import json
import re
import sys
import warnings

from huaweicloudsdkcore.sdk_stream_request import SdkStreamRequest
from huaweicloudsdkcore.sdk_stream_response import SdkStreamResponse


class Marker:
    """A value that says which attribute it was put in."""

    def __init__(self, attr):
        self.attr = attr


def required_members(cls):
    """The attributes the constructor sets even when given None."""
    called = set()
    props = {}
    for attr in cls.openapi_types:
        prop = getattr(cls, attr, None)
        if not isinstance(prop, property):
            continue

        def setter(self, value, _attr=attr, _prop=prop):
            called.add(_attr)
            _prop.fset(self, value)

        props[attr] = property(prop.fget, setter)
    probe = type("Probe", (cls,), props)
    try:
        probe()
    except Exception:  # a constructor that insists on a value: every set one is required
        pass
    return sorted(called)


def class_facts(cls):
    return {
        "types": dict(cls.openapi_types),
        "wire": dict(cls.attribute_map),
        "sensitive": sorted(getattr(cls, "sensitive_list", []) or []),
        "required": required_members(cls),
    }


CLASS_IN_TYPE = re.compile(r"[A-Z]\w*")


def collect(module, name, classes):
    """Adds `name` and every class its members name to `classes`."""
    if name in classes or not hasattr(module, name):
        return
    cls = getattr(module, name)
    if not hasattr(cls, "openapi_types"):
        return
    classes[name] = class_facts(cls)
    for ty in cls.openapi_types.values():
        for inner in CLASS_IN_TYPE.findall(ty):
            collect(module, inner, classes)


def operation(module, client, method):
    info = getattr(client, "_%s_http_info" % method)
    source = inspect.getsource(getattr(client, method))
    # The request class the method documents.
    req_name = re.search(r"v\d+\.(\w+Request)`", source).group(1)
    req_cls = getattr(module, req_name)
    request = req_cls.__new__(req_cls)
    for attr in req_cls.openapi_types:
        setattr(request, "_" + attr, Marker(attr))
    http = info(request)
    # Called on a client that sends nothing, the method says whether it is deprecated.
    quiet = client.__new__(client)
    quiet._call_api = lambda **_: None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        getattr(quiet, method)(request)
    deprecated = any(issubclass(w.category, DeprecationWarning) for w in caught)
    where = {}
    for wire, value in http["path_params"].items():
        where[value.attr] = ("path", wire)
    for wire, value in http["query_params"]:
        where[value.attr] = ("query", wire)
    for wire, value in http["header_params"].items():
        if isinstance(value, Marker):
            where[value.attr] = ("header", wire)
    if isinstance(http.get("body"), Marker):
        where[http["body"].attr] = ("body", None)
    content_type = http["header_params"].get("Content-Type")
    members = []
    for attr, ty in req_cls.openapi_types.items():
        loc, wire = where.get(attr, (None, None))
        members.append({"attr": attr, "in": loc, "wire": wire})
    return {
        "method": method,
        "http_method": http["method"],
        "path": http["resource_path"],
        "request": req_name,
        "response": http["response_type"],
        "content_type": content_type if isinstance(content_type, str) else None,
        "response_headers": list(http.get("response_headers") or []),
        "members": members,
        "deprecated": deprecated,
        "stream_request": issubclass(req_cls, SdkStreamRequest),
        "stream_response": issubclass(getattr(module, http["response_type"]), SdkStreamResponse),
    }


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    module = importlib.import_module(argv[0])
    client_module = importlib.import_module(
        argv[0] + "." + re.sub(r"(?<!^)(?=[A-Z][a-z])", "_", argv[1]).lower())
    client = getattr(client_module, argv[1])
    methods = sorted(n[1:-len("_http_info")] for n in vars(client)
                     if n.startswith("_") and n.endswith("_http_info") and not n.startswith("__"))
    operations = [operation(module, client, m) for m in methods]
    classes = {}
    for op in operations:
        collect(module, op["request"], classes)
        collect(module, op["response"], classes)
    package = argv[0].split(".")[0]
    dist = importlib.metadata.version(package)
    json.dump({"package": package, "version": dist, "operations": operations,
               "classes": dict(sorted(classes.items()))}, sys.stdout, indent=1, sort_keys=True)
    return 0


if __name__ == "__main__":
    import importlib.metadata
    sys.exit(main(sys.argv[1:]))

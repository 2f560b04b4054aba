"""Prints, as JSON, the regions and endpoints the pinned official Huawei Cloud SDKs declare
for DBSS, GaussDB for MySQL (TaurusDB) and IAM: each service's region class
(`static_fields`), and for IAM also the table huaweicloudsdkcore itself uses for project
discovery and the identity-provider exchange, with its global fallback. Facts only: region
ids and endpoint URLs."""

import importlib
import importlib.metadata
import json
import sys

SERVICES = [
    # (key, package, module, class, the SDK's name for the service in its environment variables)
    ("dbss", "huaweicloudsdkdbss", "huaweicloudsdkdbss.v1.region.dbss_region", "DbssRegion", "DBSS"),
    ("taurusdb", "huaweicloudsdkgaussdb", "huaweicloudsdkgaussdb.v3.region.gaussdb_region", "GaussDBRegion", "GAUSSDB"),
    ("iam", "huaweicloudsdkiam", "huaweicloudsdkiam.v3.region.iam_region", "IamRegion", "IAM"),
]


def main():
    out = {"packages": {}, "services": {}}
    for key, package, module, cls, env_name in SERVICES:
        out["packages"][package] = importlib.metadata.version(package)
        region_class = getattr(importlib.import_module(module), cls)
        regions = {}
        for region_id, region in region_class.static_fields.items():
            regions[region_id] = list(region.endpoints)
        out["services"][key] = {"env_name": env_name, "regions": regions}

    core = importlib.import_module("huaweicloudsdkcore.auth.endpoint")
    out["packages"]["huaweicloudsdkcore"] = importlib.metadata.version("huaweicloudsdkcore")
    internal = importlib.import_module("huaweicloudsdkcore.auth.internal")
    iam = out["services"]["iam"]["regions"]
    # The regions the core's own IAM table knows; the service class wins where both name one.
    for region_id in sorted(set(getattr(core, "__IAM_ENDPOINT_DICT"))):
        iam.setdefault(region_id, [core.get_iam_endpoint_by_id(region_id)])
    out["iam_global"] = internal.IamHelper.DEFAULT_ENDPOINT
    json.dump(out, sys.stdout, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()

//! Proxies: a proxy URL parsed once, with the parser the transport uses, its credentials kept
//! apart from it, and the choice of proxy for each request (`NO_PROXY`).
//!
//! No copy of a proxy URL that the transport keeps, hands to reqwest, logs or shows in an
//! error carries user info: the user name and password are taken out when the URL is parsed
//! and go to the proxy only as a `Proxy-Authorization` header marked sensitive.

use std::fmt;
use std::net::IpAddr;
use std::sync::Arc;

use crate::SecretString;
use crate::error::Error;

/// A proxy every request goes through: `CONNECT` tunnels for `https://` endpoints, forwarding
/// for `http://` ones. Its credentials are secrets: no `Debug`, error or log shows the
/// password or any user info of the URL.
///
/// The URL is read as the transport reads URLs; one without a scheme
/// (`proxy.corp.example:3128`) is taken as `http://`. User info in the URL
/// (`http://user:pass@host:3128`, percent-encoded or not) is the same as
/// [`basic_auth`](Proxy::basic_auth), which wins when both are given.
///
/// ```
/// use cloudops_core::transport::Proxy;
/// let p = Proxy::new("http://proxy.corp.example:3128")
///     .basic_auth("svc-cloudops", "hunter2")
///     .no_proxy("localhost,127.0.0.1,.internal.example");
/// assert!(!format!("{p:?}").contains("hunter2"));
/// ```
#[derive(Clone)]
pub struct Proxy {
    parsed: Result<ProxyUrl, String>,
    username: Option<String>,
    password: Option<SecretString>,
    no_proxy: Option<String>,
}

impl Proxy {
    /// A proxy at `url` (`http://host:port`, or `https://` for a proxy spoken to over TLS). A
    /// URL that cannot be used is reported when the client or transport is built.
    pub fn new(url: impl AsRef<str>) -> Self {
        Proxy {
            parsed: ProxyUrl::parse(url.as_ref()),
            username: None,
            password: None,
            no_proxy: None,
        }
    }

    /// Authenticates to the proxy with HTTP Basic.
    pub fn basic_auth(
        mut self,
        username: impl Into<String>,
        password: impl Into<SecretString>,
    ) -> Self {
        self.username = Some(username.into());
        self.password = Some(password.into());
        self
    }

    /// Hosts reached directly, in `NO_PROXY` syntax (comma-separated names, `.domain`
    /// suffixes, IP addresses and CIDR ranges, `*` for all).
    pub fn no_proxy(mut self, list: impl Into<String>) -> Self {
        self.no_proxy = Some(list.into());
        self
    }

    /// The proxy's URL without user info (`http://proxy.corp.example:3128/`), or `None` when
    /// the URL given cannot be used.
    pub fn url(&self) -> Option<&str> {
        self.parsed.as_ref().ok().map(|p| p.url.as_str())
    }

    /// The proxy as the transport uses it, or an invalid-input error on `field` that says why
    /// it cannot be used without quoting the URL.
    pub(crate) fn resolve(&self, field: &str) -> Result<ProxyServer, Error> {
        let url = self.parsed.as_ref().map_err(|reason| {
            Error::invalid_input(field, format!("is not a usable proxy URL: {reason}"))
        })?;
        let (user, password) = match (&self.username, &self.password) {
            (Some(u), Some(p)) => (Some(u.clone()), Some(p.clone())),
            _ => (url.username.clone(), url.password.clone()),
        };
        let authorization = match user {
            Some(user) => {
                crate::validate::header_value("proxy username", &user)?;
                Some(basic_authorization(&user, password.as_ref()))
            }
            None => None,
        };
        Ok(ProxyServer {
            url: url.url.clone(),
            authorization,
        })
    }

    /// The `NO_PROXY` list given with [`no_proxy`](Proxy::no_proxy).
    pub(crate) fn no_proxy_list(&self) -> Option<&str> {
        self.no_proxy.as_deref()
    }
}

impl fmt::Debug for Proxy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Proxy")
            .field(
                "url",
                &match &self.parsed {
                    Ok(p) => p.url.as_str(),
                    Err(_) => "<not a usable URL>",
                },
            )
            .field("username", &self.username)
            .field("password", &self.password)
            .field("no_proxy", &self.no_proxy)
            .finish()
    }
}

/// A proxy URL as read once: where the proxy is, and the user info taken out of it.
#[derive(Clone)]
struct ProxyUrl {
    /// `scheme://host:port/`, never with user info.
    url: reqwest::Url,
    username: Option<String>,
    password: Option<SecretString>,
}

impl ProxyUrl {
    /// Reads `input` with the transport's URL parser. The reason of a failure never quotes
    /// the input, which may hold a password.
    fn parse(input: &str) -> Result<ProxyUrl, String> {
        let input = input.trim();
        if input.is_empty() {
            return Err("it is empty".to_string());
        }
        // Without a scheme (`user:pass@host:3128` would read as the scheme `user`), http.
        let mut url = if input.contains("://") {
            reqwest::Url::parse(input)
        } else {
            reqwest::Url::parse(&format!("http://{input}"))
        }
        .map_err(|e| e.to_string())?;
        match url.scheme() {
            "http" | "https" => {}
            other => {
                return Err(format!(
                    "the scheme {other:?} is not supported (use http:// or https://)"
                ));
            }
        }
        if !url.has_host() || url.host_str().is_some_and(str::is_empty) {
            return Err("it has no host".to_string());
        }
        let decode = |s: &str| crate::encoding::percent_decode(s);
        let username = (!url.username().is_empty()).then(|| decode(url.username()));
        let password = url.password().map(|p| SecretString::new(decode(p)));
        // Cannot fail for a URL with a host and an http(s) scheme.
        let _ = url.set_username("");
        let _ = url.set_password(None);
        url.set_path("/");
        url.set_query(None);
        url.set_fragment(None);
        Ok(ProxyUrl {
            url,
            username,
            password,
        })
    }
}

/// `Basic base64(user:password)`, marked sensitive so that no debug output of the HTTP stack
/// shows it.
fn basic_authorization(
    user: &str,
    password: Option<&SecretString>,
) -> reqwest::header::HeaderValue {
    use base64::Engine as _;
    let mut credentials = format!("{user}:");
    if let Some(p) = password {
        credentials.push_str(p.expose());
    }
    let encoded = base64::engine::general_purpose::STANDARD.encode(credentials);
    let mut value = reqwest::header::HeaderValue::from_str(&format!("Basic {encoded}"))
        .unwrap_or_else(|_| reqwest::header::HeaderValue::from_static("Basic"));
    value.set_sensitive(true);
    value
}

/// A proxy as the transport uses it.
#[derive(Clone)]
pub(crate) struct ProxyServer {
    /// Without user info.
    url: reqwest::Url,
    authorization: Option<reqwest::header::HeaderValue>,
}

impl fmt::Debug for ProxyServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProxyServer")
            .field("url", &self.shown())
            .field("authorization", &self.authorization.as_ref().map(|_| "***"))
            .finish()
    }
}

impl ProxyServer {
    /// The URL, safe to show.
    pub(crate) fn shown(&self) -> &str {
        self.url.as_str()
    }
}

/// Which proxy each request takes: one for `http://` endpoints, one for `https://` ones, and
/// the hosts reached directly.
#[derive(Clone, Default)]
pub(crate) struct ProxyRoutes {
    http: Option<ProxyServer>,
    https: Option<ProxyServer>,
    direct: NoProxy,
}

impl fmt::Debug for ProxyRoutes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProxyRoutes")
            .field("http", &self.http.as_ref().map(ProxyServer::shown))
            .field("https", &self.https.as_ref().map(ProxyServer::shown))
            .field("no_proxy", &self.direct.entries.len())
            .finish()
    }
}

impl ProxyRoutes {
    /// Every request through `proxy`, but the hosts of its `NO_PROXY` list.
    pub(crate) fn explicit(proxy: &Proxy) -> Result<ProxyRoutes, Error> {
        let server = proxy.resolve("proxy")?;
        Ok(ProxyRoutes {
            http: Some(server.clone()),
            https: Some(server),
            direct: NoProxy::parse(proxy.no_proxy_list().unwrap_or_default()),
        })
    }

    /// The proxies the environment names, read as curl and reqwest read them: `HTTPS_PROXY`
    /// for `https://` endpoints, `HTTP_PROXY` for `http://` ones, `ALL_PROXY` for both when
    /// the other is unset, each in upper or lower case (the upper wins), and `NO_PROXY`.
    /// Empty variables are unset; a variable that is set but cannot be used is an
    /// invalid-input error naming it, rather than a call that silently bypasses the proxy.
    /// Nothing is read when `REQUEST_METHOD` is set (a CGI program, where `HTTP_PROXY` may
    /// come from a request header).
    pub(crate) fn from_environment(
        get: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Option<ProxyRoutes>, Error> {
        if get("REQUEST_METHOD").is_some() {
            return Ok(None);
        }
        let read = |names: [&str; 2]| -> Result<Option<ProxyServer>, Error> {
            for name in names {
                if let Some(value) = get(name).filter(|v| !v.trim().is_empty()) {
                    return Proxy::new(value).resolve(name).map(Some);
                }
            }
            Ok(None)
        };
        let all = read(["ALL_PROXY", "all_proxy"])?;
        let http = read(["HTTP_PROXY", "http_proxy"])?.or_else(|| all.clone());
        let https = read(["HTTPS_PROXY", "https_proxy"])?.or(all);
        if http.is_none() && https.is_none() {
            return Ok(None);
        }
        let no = get("NO_PROXY")
            .or_else(|| get("no_proxy"))
            .unwrap_or_default();
        Ok(Some(ProxyRoutes {
            http,
            https,
            direct: NoProxy::parse(&no),
        }))
    }

    /// The proxy a request to `scheme://host` goes through, if any.
    pub(crate) fn pick(&self, scheme: &str, host: &str) -> Option<&ProxyServer> {
        let server = match scheme {
            "https" => self.https.as_ref(),
            "http" => self.http.as_ref(),
            _ => None,
        }?;
        (!self.direct.contains(host)).then_some(server)
    }

    /// What reqwest is handed: one proxy for each scheme that has one, the URL without user
    /// info and the credentials as a sensitive header of their own.
    pub(crate) fn to_reqwest(self: &Arc<Self>) -> Vec<reqwest::Proxy> {
        let routes = self;
        let mut proxies = Vec::new();
        for (scheme, server) in [("http", &routes.http), ("https", &routes.https)] {
            let Some(server) = server else { continue };
            let picks = routes.clone();
            let mut proxy = reqwest::Proxy::custom(move |target: &reqwest::Url| {
                if target.scheme() != scheme {
                    return None;
                }
                picks
                    .pick(scheme, target.host_str()?)
                    .map(|s| s.url.clone())
            });
            if let Some(value) = &server.authorization {
                proxy = proxy.custom_http_auth(value.clone());
            }
            proxies.push(proxy);
        }
        proxies
    }
}

/// A `NO_PROXY` list: `*`, IP addresses, CIDR ranges and domain names (each matching itself
/// and its subdomains; a leading dot is the same).
#[derive(Clone, Default, Debug)]
struct NoProxy {
    entries: Vec<Direct>,
}

#[derive(Clone, Debug)]
enum Direct {
    Everything,
    Address(IpAddr),
    Network(IpAddr, u8),
    Domain(String),
}

impl NoProxy {
    fn parse(list: &str) -> NoProxy {
        let entries = list
            .split(',')
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .map(|entry| {
                if entry == "*" {
                    return Direct::Everything;
                }
                let bare = entry.trim_start_matches('[').trim_end_matches(']');
                if let Ok(ip) = bare.parse::<IpAddr>() {
                    return Direct::Address(ip);
                }
                if let Some((net, bits)) = entry.split_once('/')
                    && let (Ok(ip), Ok(bits)) = (net.parse::<IpAddr>(), bits.parse::<u8>())
                {
                    return Direct::Network(ip, bits);
                }
                Direct::Domain(entry.trim_start_matches('.').to_ascii_lowercase())
            })
            .collect();
        NoProxy { entries }
    }

    fn contains(&self, host: &str) -> bool {
        let bare = host.trim_start_matches('[').trim_end_matches(']');
        let ip = bare.parse::<IpAddr>().ok();
        let host = host.to_ascii_lowercase();
        self.entries.iter().any(|entry| match (entry, ip) {
            (Direct::Everything, _) => true,
            (Direct::Address(a), Some(ip)) => *a == ip,
            (Direct::Network(net, bits), Some(ip)) => in_network(ip, *net, *bits),
            (Direct::Domain(d), None) => {
                host == *d
                    || host
                        .strip_suffix(d.as_str())
                        .is_some_and(|rest| rest.ends_with('.'))
            }
            _ => false,
        })
    }
}

fn in_network(ip: IpAddr, net: IpAddr, bits: u8) -> bool {
    let (ip, net, width) = match (ip, net) {
        (IpAddr::V4(a), IpAddr::V4(n)) => (
            u128::from(u32::from(a)) << 96,
            u128::from(u32::from(n)) << 96,
            32,
        ),
        (IpAddr::V6(a), IpAddr::V6(n)) => (u128::from(a), u128::from(n), 128),
        _ => return false,
    };
    if bits > width {
        return false;
    }
    let mask = u128::MAX.checked_shl(128 - u32::from(bits)).unwrap_or(0);
    ip & mask == net & mask
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(input: &str) -> Result<String, String> {
        ProxyUrl::parse(input).map(|p| p.url.to_string())
    }

    #[test]
    fn user_info_is_taken_out_of_every_form() {
        for (input, host) in [
            ("user:hunter2@proxy:3128", "http://proxy:3128/"),
            ("http://u:p@ss-hunter2@h:3128", "http://h:3128/"),
            ("http://u:p%40ss-hunter2@h:3128", "http://h:3128/"),
            (
                "https://u:hunter2@[::1]:3128/path?q#f",
                "https://[::1]:3128/",
            ),
        ] {
            let p = ProxyUrl::parse(input).unwrap();
            assert_eq!(p.url.as_str(), host, "{input}");
            assert!(!p.url.as_str().contains("hunter2"), "{input}");
            assert!(
                p.password.as_ref().unwrap().expose().ends_with("hunter2"),
                "{input}"
            );
        }
        let p = ProxyUrl::parse("http://u:p@ss-hunter2@h:3128").unwrap();
        assert_eq!(p.password.unwrap().expose(), "p@ss-hunter2");
        assert_eq!(p.username.as_deref(), Some("u"));
    }

    #[test]
    fn unusable_urls_say_why_without_quoting_them() {
        for input in [
            "u:hunter2@[::1",
            "http://u:hunter2@",
            "socks5://u:hunter2@h:1080",
            "",
            "http://u:hunter2@h:99999",
        ] {
            let reason = shown(input).unwrap_err();
            assert!(!reason.contains("hunter2"), "{input}: {reason}");
            let e = Proxy::new(input).resolve("HTTPS_PROXY").unwrap_err();
            assert_eq!(e.invalid_field(), Some("HTTPS_PROXY"), "{input}");
            assert!(!e.to_string().contains("hunter2"), "{input}: {e}");
            assert!(
                !format!("{:?}", Proxy::new(input)).contains("hunter2"),
                "{input}"
            );
        }
    }

    #[test]
    fn no_proxy_matches_names_suffixes_addresses_and_ranges() {
        let list = NoProxy::parse("localhost, .internal.example,10.0.0.0/8, ::1, corp.example");
        for host in [
            "localhost",
            "db.internal.example",
            "internal.example",
            "10.1.2.3",
            "[::1]",
            "CORP.example",
            "a.corp.example",
        ] {
            assert!(list.contains(host), "{host}");
        }
        for host in ["notcorp.example", "11.0.0.1", "example", "[::2]"] {
            assert!(!list.contains(host), "{host}");
        }
        assert!(NoProxy::parse("*").contains("anything"));
    }

    #[test]
    fn environment_proxies_by_scheme_and_the_bad_ones_named() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, v)| v.to_string())
            }
        };
        let routes = ProxyRoutes::from_environment(&env(&[
            ("https_proxy", "http://s:hunter2@secure:3128"),
            ("ALL_PROXY", "http://all:8080"),
            ("NO_PROXY", "direct.example"),
        ]))
        .unwrap()
        .unwrap();
        assert_eq!(
            routes.pick("https", "x.example").unwrap().shown(),
            "http://secure:3128/"
        );
        assert_eq!(
            routes.pick("http", "x.example").unwrap().shown(),
            "http://all:8080/"
        );
        assert!(routes.pick("https", "direct.example").is_none());
        assert!(!format!("{routes:?}").contains("hunter2"));

        let e = ProxyRoutes::from_environment(&env(&[("HTTPS_PROXY", "http://u:hunter2@[::1")]))
            .unwrap_err();
        assert_eq!(e.invalid_field(), Some("HTTPS_PROXY"));
        assert!(!e.to_string().contains("hunter2"), "{e}");

        assert!(
            ProxyRoutes::from_environment(&env(&[("HTTP_PROXY", "  ")]))
                .unwrap()
                .is_none()
        );
        assert!(
            ProxyRoutes::from_environment(&env(&[
                ("HTTP_PROXY", "http://p:1"),
                ("REQUEST_METHOD", "GET")
            ]))
            .unwrap()
            .is_none()
        );
    }
}

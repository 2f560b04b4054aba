//! `CreateBackupResourcePackage`: `POST /v3/{project_id}/backups/resource-package`.

use cloudops_core::{
    CallOptions, Error, Idempotency, Language, Method, OperationSpec, Request, RequestId, validate,
};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::client::Client;
use crate::endpoint::Service;
use crate::error::VENDOR;

/// The operation as the pipeline sees it: a purchase, **not idempotent**. The SDK never sends
/// it again once it may have reached the service; it is resent only when the connection was
/// never made or the gateway refused it before processing (HTTP 429 / `APIGW.0308`, or a
/// rejected token that is then refreshed).
pub const SPEC: OperationSpec = OperationSpec::new(
    VENDOR,
    "CreateBackupResourcePackage",
    Idempotency::NonIdempotent,
);

/// The subscription period unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PeriodType {
    /// Monthly: `period_num` 1 to 9.
    Month,
    /// Yearly: `period_num` 1 to 3.
    Year,
    /// A value the server sent that this crate does not know.
    Unknown(String),
}

impl PeriodType {
    /// The wire value.
    pub fn as_str(&self) -> &str {
        match self {
            PeriodType::Month => "month",
            PeriodType::Year => "year",
            PeriodType::Unknown(s) => s,
        }
    }
}

impl Serialize for PeriodType {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for PeriodType {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Ok(match s.as_str() {
            "month" => PeriodType::Month,
            "year" => PeriodType::Year,
            _ => PeriodType::Unknown(s),
        })
    }
}

/// Billing information (`charge_info`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChargeInfo {
    /// Monthly or yearly.
    pub period_type: PeriodType,
    /// How many months (1 to 9) or years (1 to 3).
    pub period_num: u32,
    /// Renew automatically (server default false).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_auto_pay: Option<bool>,
    /// Pay the order automatically (server default false).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_auto_renew: Option<bool>,
}

impl ChargeInfo {
    /// `months` months.
    pub fn monthly(months: u32) -> Self {
        ChargeInfo {
            period_type: PeriodType::Month,
            period_num: months,
            is_auto_pay: None,
            is_auto_renew: None,
        }
    }

    /// `years` years.
    pub fn yearly(years: u32) -> Self {
        ChargeInfo {
            period_type: PeriodType::Year,
            period_num: years,
            is_auto_pay: None,
            is_auto_renew: None,
        }
    }

    /// Whether the order is paid automatically.
    pub fn auto_pay(mut self, yes: bool) -> Self {
        self.is_auto_pay = Some(yes);
        self
    }

    /// Whether the subscription renews automatically.
    pub fn auto_renew(mut self, yes: bool) -> Self {
        self.is_auto_renew = Some(yes);
        self
    }

    fn validate(&self) -> Result<(), Error> {
        match self.period_type {
            PeriodType::Month => validate::range("charge_info.period_num", self.period_num, 1, 9),
            PeriodType::Year => validate::range("charge_info.period_num", self.period_num, 1, 3),
            PeriodType::Unknown(ref s) => Err(Error::invalid_input(
                "charge_info.period_type",
                format!("must be one of month, year (got {s:?})"),
            )),
        }
    }
}

#[derive(Debug, Serialize)]
struct Input<'a> {
    spec_code: &'a str,
    num: u32,
    charge_info: &'a ChargeInfo,
}

/// What CreateBackupResourcePackage returns.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct CreateBackupResourcePackageOutput {
    /// The order id.
    pub order_id: String,
    /// The package specification code.
    pub spec_code: String,
    /// How many packages.
    pub num: u32,
    /// Monthly or yearly.
    pub period_type: PeriodType,
    /// The subscription period.
    pub period_num: u32,
    /// The request id (`X-Request-Id`).
    #[serde(skip)]
    pub request_id: Option<String>,
}

/// A CreateBackupResourcePackage call being built.
///
/// **Not idempotent**: a blind retry could buy twice, so the SDK never sends this request
/// twice once it may have reached the service. A failure that leaves the outcome unknown (a
/// reset connection, a timeout, a 5xx) is returned with
/// [`Error::may_have_been_sent`] true; check the orders before buying again.
#[derive(Debug, Clone)]
#[must_use = "nothing is sent until .send() is awaited"]
pub struct CreateBackupResourcePackage {
    client: Client,
    options: CallOptions,
    spec_code: String,
    num: u32,
    charge_info: ChargeInfo,
    language: Option<Language>,
    project_id: Option<String>,
}

impl CreateBackupResourcePackage {
    pub(crate) fn new(
        client: Client,
        spec_code: String,
        num: u32,
        charge_info: ChargeInfo,
    ) -> Self {
        CreateBackupResourcePackage {
            client,
            options: CallOptions::default(),
            spec_code,
            num,
            charge_info,
            language: None,
            project_id: None,
        }
    }

    cloudops_core::call_option_setters!(options);

    /// The language of messages (`X-Language`) for this call, instead of the client's.
    pub fn language(mut self, language: Language) -> Self {
        self.language = Some(language);
        self
    }

    /// The project id for this call (default: the client's).
    pub fn project_id(mut self, project_id: impl Into<String>) -> Self {
        self.project_id = Some(project_id.into());
        self
    }

    /// Validates the input and sends it, at most once past the point where it may have been
    /// processed.
    ///
    /// Errors: [`Error::InvalidInput`] for a project id that is not 32 letters and digits, an
    /// empty `spec_code`, `num` outside 1 to 10, or a `period_num` outside its type's range
    /// (nothing sent).
    pub async fn send(self) -> Result<CreateBackupResourcePackageOutput, Error> {
        validate::non_empty("spec_code", &self.spec_code)?;
        validate::range("num", self.num, 1, 10)?;
        self.charge_info.validate()?;
        let body = serde_json::to_vec(&Input {
            spec_code: &self.spec_code,
            num: self.num,
            charge_info: &self.charge_info,
        })
        .map_err(|e| Error::invalid_input("charge_info", format!("cannot be encoded: {e}")))?;
        let client = &self.client;
        // The project id may have to be asked of IAM: within the call's deadline.
        let request = async {
            let project_id = client.project_id(self.project_id.as_deref()).await?;
            validate::length("project_id", &project_id, 32, 32)?;
            validate::charset("project_id", &project_id, "letters and digits", |c| {
                c.is_ascii_alphanumeric()
            })?;
            let mut request = Request::new(
                Method::Post,
                client.endpoint(Service::TaurusDb)?,
                format!("/v3/{project_id}/backups/resource-package"),
            )
            .with_body("application/json", body)
            .with_header("x-project-id", project_id);
            if let Some(lang) = self.language.or(client.language()) {
                request
                    .headers
                    .set_static("x-language", lang.lowercase_tag());
            }
            Ok(request)
        };
        let decoded = client
            .engine()
            .call_prepared(&SPEC, &self.options, request)
            .await?;
        let mut out: CreateBackupResourcePackageOutput = decoded.output;
        out.request_id = decoded.request_id;
        Ok(out)
    }
}

impl RequestId for CreateBackupResourcePackageOutput {
    fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }
}

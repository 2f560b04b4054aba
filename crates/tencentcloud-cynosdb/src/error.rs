//! Tencent Cloud error codes: the documented PauseServerless codes typed, the common codes
//! classified, every other code kept as a string.

use cloudops_core::{Error, ServiceErrorKind};

/// A CynosDB error code.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// `FailedOperation.FlowCreateError`: the task could not be created; try again later.
    FlowCreateError,
    /// `InternalError.SystemError`: an internal system error.
    SystemError,
    /// `InvalidParameterValue.ClusterNotFound`: no cluster found.
    ClusterNotFound,
    /// `InvalidParameterValue.DbModeNotServerlessError`: the cluster is not serverless.
    DbModeNotServerlessError,
    /// `InvalidParameterValue.ParamError`: incorrect parameter.
    ParamError,
    /// `OperationDenied.ServerlessClusterStatusDenied`: not allowed in the cluster's status
    /// (pausing a paused cluster, resuming a running one).
    ServerlessClusterStatusDenied,
    /// `ResourceNotFound.ClusterNotFoundError`: the cluster does not exist.
    ClusterNotFoundError,
    /// `UnauthorizedOperation.PermissionDenied`: the caller lacks the permission.
    PermissionDenied,
    /// Any other code, as the server sent it (common codes such as `AuthFailure.SignatureExpire`
    /// or `RequestLimitExceeded` included; their kind is in the error's `ServiceErrorKind`).
    Other(String),
}

impl ErrorCode {
    /// Reads a code as the server spells it.
    pub fn parse(code: &str) -> ErrorCode {
        match code {
            "FailedOperation.FlowCreateError" => ErrorCode::FlowCreateError,
            "InternalError.SystemError" => ErrorCode::SystemError,
            "InvalidParameterValue.ClusterNotFound" => ErrorCode::ClusterNotFound,
            "InvalidParameterValue.DbModeNotServerlessError" => ErrorCode::DbModeNotServerlessError,
            "InvalidParameterValue.ParamError" => ErrorCode::ParamError,
            "OperationDenied.ServerlessClusterStatusDenied" => {
                ErrorCode::ServerlessClusterStatusDenied
            }
            "ResourceNotFound.ClusterNotFoundError" => ErrorCode::ClusterNotFoundError,
            "UnauthorizedOperation.PermissionDenied" => ErrorCode::PermissionDenied,
            other => ErrorCode::Other(other.to_string()),
        }
    }

    /// The code as the server spells it.
    pub fn as_str(&self) -> &str {
        match self {
            ErrorCode::FlowCreateError => "FailedOperation.FlowCreateError",
            ErrorCode::SystemError => "InternalError.SystemError",
            ErrorCode::ClusterNotFound => "InvalidParameterValue.ClusterNotFound",
            ErrorCode::DbModeNotServerlessError => "InvalidParameterValue.DbModeNotServerlessError",
            ErrorCode::ParamError => "InvalidParameterValue.ParamError",
            ErrorCode::ServerlessClusterStatusDenied => {
                "OperationDenied.ServerlessClusterStatusDenied"
            }
            ErrorCode::ClusterNotFoundError => "ResourceNotFound.ClusterNotFoundError",
            ErrorCode::PermissionDenied => "UnauthorizedOperation.PermissionDenied",
            ErrorCode::Other(s) => s,
        }
    }
}

/// The CynosDB error code of an error, for service errors.
pub trait ErrorExt {
    /// The typed code, when the error is a service error with a code.
    fn cynosdb_code(&self) -> Option<ErrorCode>;
}

impl ErrorExt for Error {
    fn cynosdb_code(&self) -> Option<ErrorCode> {
        self.code().map(ErrorCode::parse)
    }
}

/// The kind of a Tencent Cloud code, from its documented meaning. Matching is on the code's
/// prefix, so sub-codes (`RequestLimitExceeded.UinLimitExceeded`) follow their family.
pub fn classify(code: &str) -> ServiceErrorKind {
    let family = code.split('.').next().unwrap_or(code);
    match family {
        "AuthFailure" => ServiceErrorKind::Authentication,
        "UnauthorizedOperation" => ServiceErrorKind::PermissionDenied,
        "RequestLimitExceeded" => ServiceErrorKind::Throttling,
        "InternalError" | "ServiceUnavailable" => ServiceErrorKind::Server,
        "FailedOperation" if code == "FailedOperation.FlowCreateError" => ServiceErrorKind::Server,
        "ResourceNotFound" => ServiceErrorKind::NotFound,
        "InvalidParameterValue" if code == "InvalidParameterValue.ClusterNotFound" => {
            ServiceErrorKind::NotFound
        }
        "OperationDenied" | "ResourceInUse" | "ResourceUnavailable" => ServiceErrorKind::Conflict,
        "InvalidParameter"
        | "InvalidParameterValue"
        | "MissingParameter"
        | "UnknownParameter"
        | "InvalidAction"
        | "RequestSizeLimitExceeded"
        | "UnsupportedOperation"
        | "UnsupportedRegion"
        | "NoSuchVersion"
        | "ActionOffline"
        | "LimitExceeded" => ServiceErrorKind::InvalidRequest,
        _ => ServiceErrorKind::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_codes_round_trip() {
        for code in [
            "FailedOperation.FlowCreateError",
            "InternalError.SystemError",
            "InvalidParameterValue.ClusterNotFound",
            "InvalidParameterValue.DbModeNotServerlessError",
            "InvalidParameterValue.ParamError",
            "OperationDenied.ServerlessClusterStatusDenied",
            "ResourceNotFound.ClusterNotFoundError",
            "UnauthorizedOperation.PermissionDenied",
        ] {
            let c = ErrorCode::parse(code);
            assert!(!matches!(c, ErrorCode::Other(_)), "{code}");
            assert_eq!(c.as_str(), code);
        }
        assert_eq!(
            ErrorCode::parse("Brand.NewCode"),
            ErrorCode::Other("Brand.NewCode".into())
        );
    }

    #[test]
    fn common_codes_are_classified() {
        use ServiceErrorKind::*;
        assert_eq!(classify("AuthFailure.SignatureExpire"), Authentication);
        assert_eq!(classify("RequestLimitExceeded"), Throttling);
        assert_eq!(
            classify("RequestLimitExceeded.UinLimitExceeded"),
            Throttling
        );
        assert_eq!(
            classify("RequestLimitExceeded.GlobalRegionUinLimitExceeded"),
            Throttling
        );
        assert_eq!(classify("InternalError"), Server);
        assert_eq!(classify("InternalError.SystemError"), Server);
        assert_eq!(classify("ResourceNotFound.ClusterNotFoundError"), NotFound);
        assert_eq!(
            classify("OperationDenied.ServerlessClusterStatusDenied"),
            Conflict
        );
        assert_eq!(classify("InvalidParameterValue.ParamError"), InvalidRequest);
        assert_eq!(
            classify("UnauthorizedOperation.PermissionDenied"),
            PermissionDenied
        );
        assert_eq!(classify("Mystery"), Other);
    }
}

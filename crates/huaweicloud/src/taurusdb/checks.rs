//! Checks the model names (`"check"`) beyond its length, range and list rules.

use cloudops_core::{Error, validate};

use super::{ChargeInfo, PeriodType};

/// The period's range depends on its unit: 1 to 9 months, or 1 to 3 years.
pub(crate) fn charge_info(charge: &ChargeInfo) -> Result<(), Error> {
    match charge.period_type {
        PeriodType::Month => validate::range("charge_info.period_num", charge.period_num, 1, 9),
        PeriodType::Year => validate::range("charge_info.period_num", charge.period_num, 1, 3),
        PeriodType::Unknown(ref s) => Err(Error::invalid_input(
            "charge_info.period_type",
            format!("must be one of month, year (got {s:?})"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods() {
        assert!(charge_info(&ChargeInfo::monthly(9)).is_ok());
        assert!(charge_info(&ChargeInfo::yearly(3)).is_ok());
        let e = charge_info(&ChargeInfo::monthly(10)).unwrap_err();
        assert_eq!(e.invalid_field(), Some("charge_info.period_num"));
        let e = charge_info(&ChargeInfo::yearly(0)).unwrap_err();
        assert_eq!(e.invalid_field(), Some("charge_info.period_num"));
        let mut odd = ChargeInfo::yearly(1);
        odd.period_type = PeriodType::Unknown("week".into());
        let e = charge_info(&odd).unwrap_err();
        assert_eq!(e.invalid_field(), Some("charge_info.period_type"));
    }
}

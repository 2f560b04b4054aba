//! Building a [`ChargeInfo`].

use super::{ChargeInfo, PeriodType};

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
}

//! Calendar dates and durations as the rules and inventories use them.
//!
//! Validity windows are calendar arithmetic: 12 months after 2026-01-31 is
//! 2027-01-31, and 1 month after 2026-01-31 is 2026-02-28 (the day is clamped
//! to the end of the shorter month), as a quality engineer counts.

use std::fmt;
use std::str::FromStr;

use serde::{Serialize, Serializer};

/// A proleptic Gregorian date (years 1..=9999).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: i32,
    month: u8,
    day: u8,
}

/// Why a date text was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    /// Not of the form `YYYY-MM-DD`.
    #[error("expected a date written `YYYY-MM-DD`")]
    Format,
    /// A day written another way (`16/11/2026`, `2026/11/16`): the same day
    /// written `YYYY-MM-DD` is suggested.
    #[error("expected a date written `YYYY-MM-DD` (did you mean `{0}`?)")]
    OtherOrder(Date),
    /// The form is right but the day does not exist.
    #[error("{0} is not a day of the calendar")]
    Impossible(String),
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

impl Date {
    /// The date, if it exists.
    pub fn new(year: i32, month: u8, day: u8) -> Option<Date> {
        ((1..=9999).contains(&year)
            && (1..=12).contains(&month)
            && day >= 1
            && day <= days_in_month(year, month))
        .then_some(Date { year, month, day })
    }

    /// Year.
    pub fn year(self) -> i32 {
        self.year
    }

    /// Month, 1..=12.
    pub fn month(self) -> u8 {
        self.month
    }

    /// Day of month.
    pub fn day(self) -> u8 {
        self.day
    }

    /// Days since 1970-01-01 (negative before).
    pub fn to_days(self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` days after 1970-01-01, if within years 1..=9999.
    pub fn from_days(days: i64) -> Option<Date> {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        Date::new(
            i32::try_from(year).ok()?,
            u8::try_from(month).ok()?,
            u8::try_from(day).ok()?,
        )
    }

    /// Today's calendar date where the machine is (its time zone from `TZ`
    /// or the system's settings): a French site just after midnight is
    /// already at the next day, while UTC is not. UTC when no zone is known.
    pub fn today() -> Date {
        let now = jiff::Zoned::now();
        Date::new(
            i32::from(now.year()),
            u8::try_from(now.month()).unwrap_or(1),
            u8::try_from(now.day()).unwrap_or(1),
        )
        .unwrap_or(Date::MIN)
    }

    /// The day a text writes in another common way: `16/11/2026`,
    /// `16.11.2026`, `11/16/2026` (when the day cannot be the month) or
    /// `2026/11/16`. Day first when both orders are possible, as in France.
    fn other_order(s: &str) -> Option<Date> {
        let parts: Vec<&str> = s.split(['/', '.', '-']).collect();
        let [a, b, c] = parts.as_slice() else {
            return None;
        };
        let number = |p: &str| -> Option<u16> {
            (!p.is_empty() && p.len() <= 4 && p.bytes().all(|b| b.is_ascii_digit()))
                .then(|| p.parse().ok())
                .flatten()
        };
        let (a_n, b_n, c_n) = (number(a)?, number(b)?, number(c)?);
        let day = |y: u16, m: u16, d: u16| {
            Date::new(i32::from(y), u8::try_from(m).ok()?, u8::try_from(d).ok()?)
        };
        if a.len() == 4 {
            return day(a_n, b_n, c_n);
        }
        if c.len() != 4 {
            return None;
        }
        day(c_n, b_n, a_n).or_else(|| day(c_n, a_n, b_n))
    }

    /// This date plus a duration (saturating at the calendar's ends).
    pub fn plus(self, duration: Duration) -> Date {
        self.shift(duration, 1)
    }

    /// This date minus a duration (saturating at the calendar's ends).
    pub fn minus(self, duration: Duration) -> Date {
        self.shift(duration, -1)
    }

    fn shift(self, duration: Duration, sign: i64) -> Date {
        let n = sign * i64::from(duration.amount);
        match duration.unit {
            DurationUnit::Day => self.add_days(n),
            DurationUnit::Week => self.add_days(n.saturating_mul(7)),
            DurationUnit::Month => self.add_months(n),
            DurationUnit::Year => self.add_months(n.saturating_mul(12)),
        }
    }

    fn add_days(self, n: i64) -> Date {
        Date::from_days(self.to_days().saturating_add(n)).unwrap_or(if n < 0 {
            Date::MIN
        } else {
            Date::MAX
        })
    }

    fn add_months(self, n: i64) -> Date {
        let index = i64::from(self.year) * 12 + i64::from(self.month) - 1 + n;
        let year = index.div_euclid(12);
        let month = index.rem_euclid(12) + 1;
        if year < 1 {
            return Date::MIN;
        }
        if year > 9999 {
            return Date::MAX;
        }
        let year = i32::try_from(year).unwrap_or(9999);
        let month = u8::try_from(month).unwrap_or(12);
        let day = self.day.min(days_in_month(year, month));
        Date { year, month, day }
    }

    /// 0001-01-01.
    pub const MIN: Date = Date {
        year: 1,
        month: 1,
        day: 1,
    };
    /// 9999-12-31.
    pub const MAX: Date = Date {
        year: 9999,
        month: 12,
        day: 31,
    };
}

impl FromStr for Date {
    type Err = DateError;

    fn from_str(s: &str) -> Result<Date, DateError> {
        let bytes = s.as_bytes();
        let digits = |r: std::ops::Range<usize>| -> Option<u32> {
            let part = bytes.get(r)?;
            if part.iter().all(u8::is_ascii_digit) {
                std::str::from_utf8(part).ok()?.parse().ok()
            } else {
                None
            }
        };
        let refused = || Date::other_order(s).map_or(DateError::Format, DateError::OtherOrder);
        if bytes.len() != 10 || bytes.get(4) != Some(&b'-') || bytes.get(7) != Some(&b'-') {
            return Err(refused());
        }
        let (Some(y), Some(m), Some(d)) = (digits(0..4), digits(5..7), digits(8..10)) else {
            return Err(refused());
        };
        let year = i32::try_from(y).map_err(|_| DateError::Format)?;
        let month = u8::try_from(m).map_err(|_| DateError::Format)?;
        let day = u8::try_from(d).map_err(|_| DateError::Format)?;
        Date::new(year, month, day).ok_or_else(|| DateError::Impossible(s.to_string()))
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A unit of a [`Duration`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DurationUnit {
    /// Calendar days.
    Day,
    /// Seven days.
    Week,
    /// Calendar months.
    Month,
    /// Twelve calendar months.
    Year,
}

/// A length of time such as `12 months`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Duration {
    /// How many units.
    pub amount: u32,
    /// Which unit.
    pub unit: DurationUnit,
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let unit = match self.unit {
            DurationUnit::Day => "day",
            DurationUnit::Week => "week",
            DurationUnit::Month => "month",
            DurationUnit::Year => "year",
        };
        let plural = if self.amount == 1 { "" } else { "s" };
        write!(f, "{} {unit}{plural}", self.amount)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap_or(Date::MIN)
    }

    #[test]
    fn parses_and_rejects() {
        assert_eq!(d("2026-03-01").to_string(), "2026-03-01");
        assert_eq!(
            "2026-02-30".parse::<Date>(),
            Err(DateError::Impossible("2026-02-30".into()))
        );
        assert_eq!(
            "2026-2-03".parse::<Date>(),
            Err(DateError::OtherOrder(d("2026-02-03")))
        );
        assert_eq!("2026-02".parse::<Date>(), Err(DateError::Format));
        assert_eq!("2024-02-29".parse::<Date>().map(|x| x.day()), Ok(29));
        assert!("0000-01-01".parse::<Date>().is_err());
    }

    #[test]
    fn other_ways_of_writing_a_day_are_suggested() {
        let suggested = |s: &str| match s.parse::<Date>() {
            Err(DateError::OtherOrder(d)) => Some(d.to_string()),
            _ => None,
        };
        assert_eq!(suggested("16/11/2026").as_deref(), Some("2026-11-16"));
        assert_eq!(suggested("16.11.2026").as_deref(), Some("2026-11-16"));
        assert_eq!(suggested("11/16/2026").as_deref(), Some("2026-11-16"));
        assert_eq!(suggested("03/04/2026").as_deref(), Some("2026-04-03"));
        assert_eq!(suggested("2026/11/16").as_deref(), Some("2026-11-16"));
        assert_eq!(suggested("1/3/2026").as_deref(), Some("2026-03-01"));
        assert_eq!(suggested("31/02/2026"), None);
        assert_eq!(suggested("16/11/26"), None);
        assert_eq!(suggested("tomorrow"), None);
        let msg = "16/11/2026".parse::<Date>().map_err(|e| e.to_string());
        assert_eq!(
            msg,
            Err("expected a date written `YYYY-MM-DD` (did you mean `2026-11-16`?)".into())
        );
    }

    #[test]
    fn today_is_a_day_of_the_calendar() {
        let today = Date::today();
        assert!(today > d("2020-01-01"), "{today}");
    }

    #[test]
    fn calendar_months_clamp_the_day() {
        let m = |n| Duration {
            amount: n,
            unit: DurationUnit::Month,
        };
        assert_eq!(d("2026-01-31").plus(m(1)), d("2026-02-28"));
        assert_eq!(d("2026-01-31").plus(m(12)), d("2027-01-31"));
        assert_eq!(d("2026-03-31").minus(m(1)), d("2026-02-28"));
        assert_eq!(
            d("2024-02-29").plus(Duration {
                amount: 1,
                unit: DurationUnit::Year
            }),
            d("2025-02-28")
        );
        assert_eq!(
            d("2026-12-25").plus(Duration {
                amount: 2,
                unit: DurationUnit::Week
            }),
            d("2027-01-08")
        );
        assert_eq!(d("9999-12-01").plus(m(2)), Date::MAX);
    }

    #[test]
    fn day_numbers_round_trip() {
        for s in [
            "1970-01-01",
            "2000-02-29",
            "2026-11-28",
            "0001-01-01",
            "9999-12-31",
        ] {
            assert_eq!(Date::from_days(d(s).to_days()), Some(d(s)));
        }
        assert_eq!(d("1970-01-02").to_days(), 1);
    }
}

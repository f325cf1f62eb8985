//! The name a time zone gives the page-cache keys' suffix (MW-5).

/// IANA zones without transitions, with the abbreviation Python's `ZoneInfo.tzname(None)`
/// returns for them (the tz database of Debian 12, which the oracle's Django reads).
const FIXED_ZONES: [(&str, &str); 48] = [
    ("EST", "EST"),
    ("Etc/GMT", "GMT"),
    ("Etc/GMT+0", "GMT"),
    ("Etc/GMT+1", "-01"),
    ("Etc/GMT+10", "-10"),
    ("Etc/GMT+11", "-11"),
    ("Etc/GMT+12", "-12"),
    ("Etc/GMT+2", "-02"),
    ("Etc/GMT+3", "-03"),
    ("Etc/GMT+4", "-04"),
    ("Etc/GMT+5", "-05"),
    ("Etc/GMT+6", "-06"),
    ("Etc/GMT+7", "-07"),
    ("Etc/GMT+8", "-08"),
    ("Etc/GMT+9", "-09"),
    ("Etc/GMT-0", "GMT"),
    ("Etc/GMT-1", "+01"),
    ("Etc/GMT-10", "+10"),
    ("Etc/GMT-11", "+11"),
    ("Etc/GMT-12", "+12"),
    ("Etc/GMT-13", "+13"),
    ("Etc/GMT-14", "+14"),
    ("Etc/GMT-2", "+02"),
    ("Etc/GMT-3", "+03"),
    ("Etc/GMT-4", "+04"),
    ("Etc/GMT-5", "+05"),
    ("Etc/GMT-6", "+06"),
    ("Etc/GMT-7", "+07"),
    ("Etc/GMT-8", "+08"),
    ("Etc/GMT-9", "+09"),
    ("Etc/GMT0", "GMT"),
    ("Etc/Greenwich", "GMT"),
    ("Etc/UCT", "UTC"),
    ("Etc/UTC", "UTC"),
    ("Etc/Universal", "UTC"),
    ("Etc/Zulu", "UTC"),
    ("Factory", "-00"),
    ("GMT", "GMT"),
    ("GMT+0", "GMT"),
    ("GMT-0", "GMT"),
    ("GMT0", "GMT"),
    ("Greenwich", "GMT"),
    ("HST", "HST"),
    ("MST", "MST"),
    ("UCT", "UTC"),
    ("UTC", "UTC"),
    ("Universal", "UTC"),
    ("Zulu", "UTC"),
];

/// Django's `get_current_timezone_name()` for the zone named `zone`: `_get_timezone_name`
/// is `tz.tzname(None) or str(tz)`, and a `ZoneInfo` has a `tzname(None)` only when it is
/// fixed, so `Etc/GMT+5` suffixes keys with `-05` and `Etc/UTC` with `UTC`, while
/// `Europe/Paris` stays `Europe/Paris` (MW-5).
pub fn time_zone_name(zone: &str) -> &str {
    FIXED_ZONES
        .iter()
        .find(|(name, _)| *name == zone)
        .map_or(zone, |(_, abbreviation)| abbreviation)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_zones_go_by_their_abbreviation() {
        assert_eq!(time_zone_name("Etc/GMT+5"), "-05");
        assert_eq!(time_zone_name("Etc/GMT-14"), "+14");
        assert_eq!(time_zone_name("Etc/UTC"), "UTC");
        assert_eq!(time_zone_name("Zulu"), "UTC");
        assert_eq!(time_zone_name("Greenwich"), "GMT");
        assert_eq!(time_zone_name("UTC"), "UTC");
        assert_eq!(time_zone_name("Europe/Paris"), "Europe/Paris");
        assert_eq!(time_zone_name("America/Chicago"), "America/Chicago");
        // Names are case-sensitive, as the zone files are.
        assert_eq!(time_zone_name("etc/gmt+5"), "etc/gmt+5");
    }

    #[test]
    fn the_table_is_sorted_and_unique() {
        assert!(FIXED_ZONES.windows(2).all(|w| w[0].0 < w[1].0));
    }
}

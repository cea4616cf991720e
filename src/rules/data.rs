//! Data checks D001–D010 that need the whole register or the as-of date. Checks of single
//! values (D001, D002, D003, D009, D010) are raised while reading, in [`crate::register`].

use crate::finding::Finding;
use crate::model::Register;
use chrono::NaiveDate;

/// D004, D005, D007, D008 and whatever else needs the whole register.
pub fn check(register: &Register, as_of: NaiveDate) -> Vec<Finding> {
    let _ = (register, as_of);
    Vec::new()
}

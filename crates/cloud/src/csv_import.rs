//! CSV imports, all or nothing: every row is checked first, and if any is wrong nothing is
//! imported and every problem is listed by its line (up to 50).

use serde::de::DeserializeOwned;

use crate::error::ServiceError;

/// Each row of `csv_text` read as `R` and checked by `check` into a `T`; at most `most` rows of
/// `what` ("visitors", "entries"). A row out of the caller's reach (`Forbidden`) refuses the
/// whole file at once rather than being listed as a typo.
pub async fn all_or_nothing<R: DeserializeOwned, T, F>(
    csv_text: &str,
    most: usize,
    what: &str,
    mut check: impl FnMut(R) -> F,
) -> Result<Vec<T>, ServiceError>
where
    F: Future<Output = Result<T, ServiceError>>,
{
    let mut ready = Vec::new();
    let mut problems = Vec::new();
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(csv_text.as_bytes());
    for (index, row) in reader.deserialize::<R>().enumerate() {
        if index == most {
            return Err(ServiceError::invalid(format!(
                "nothing was imported: a file holds at most {most} {what}; split it"
            )));
        }
        let line = index + 2; // the header is line 1
        let checked = match row {
            Ok(row) => check(row).await,
            Err(error) => Err(ServiceError::invalid(error)),
        };
        match checked {
            Ok(checked) => ready.push(checked),
            Err(ServiceError::Forbidden(denied)) => return Err(ServiceError::Forbidden(denied)),
            Err(problem) => problems.push(format!("line {line}: {problem}")),
        }
        if problems.len() >= 50 {
            problems.push("… and possibly more".into());
            break;
        }
    }
    if ready.is_empty() && problems.is_empty() {
        problems.push(format!("the file has no {what}"));
    }
    if problems.is_empty() {
        Ok(ready)
    } else {
        Err(ServiceError::Invalid(format!(
            "nothing was imported: {}",
            problems.join("; ")
        )))
    }
}

//! An import's words in the reader's language: the preview's problems and
//! notes, a job's error, problems and notes, and the `error` column of a
//! file of rejected rows. The values quoted from the file stay as they are.

use salesboard_app::import_preview::ImportPreview;
use salesboard_io::export::neutralize_formula;
use serde_json::Value;

use crate::messages::translate;
use crate::pages::i18n::Lang;

/// The preview with its problems and warnings in `lang`.
pub(crate) fn localize_preview(preview: &mut ImportPreview, lang: Lang) {
    if lang == Lang::En {
        return;
    }
    for row in &mut preview.rows {
        for problem in &mut row.problems {
            problem.reason = translate(&problem.reason, lang);
        }
    }
    for problem in &mut preview.problems {
        problem.reason = translate(&problem.reason, lang);
    }
    for warning in &mut preview.warnings {
        *warning = translate(warning, lang);
    }
}

/// A job as answered (`ImportJob` as JSON) with its words in `lang`.
pub(crate) fn localize_job(job: &mut Value, lang: Lang) {
    if lang == Lang::En {
        return;
    }
    for key in ["error", "rejected_note"] {
        if let Some(text) = job[key].as_str() {
            job[key] = Value::from(translate(text, lang));
        }
    }
    translate_each(job.get_mut("problems"), "reason", lang);
    if let Some(report) = job.get_mut("report").filter(|r| r.is_object()) {
        translate_each(report.get_mut("problems"), "reason", lang);
        if let Some(warnings) = report.get_mut("warnings").and_then(Value::as_array_mut) {
            for warning in warnings {
                if let Some(text) = warning.as_str() {
                    *warning = Value::from(translate(text, lang));
                }
            }
        }
    }
}

/// The text at `key` of each object of a list, in `lang`.
fn translate_each(list: Option<&mut Value>, key: &str, lang: Lang) {
    for item in list.and_then(Value::as_array_mut).into_iter().flatten() {
        if let Some(text) = item.get(key).and_then(Value::as_str) {
            item[key] = Value::from(translate(text, lang));
        }
    }
}

/// A file of rejected rows (UTF-8 CSV with a BOM, the reasons in its last
/// column) with the reasons in `lang`; the file as it was if it does not read.
pub(crate) fn localize_rejected(bytes: &[u8], lang: Lang) -> Vec<u8> {
    if lang == Lang::En {
        return bytes.to_vec();
    }
    translated_rejected(bytes, lang).unwrap_or_else(|error| {
        tracing::warn!(%error, "the rejected rows could not be translated");
        bytes.to_vec()
    })
}

fn translated_rejected(bytes: &[u8], lang: Lang) -> Result<Vec<u8>, csv::Error> {
    const BOM: &[u8] = b"\xEF\xBB\xBF";
    let text = bytes.strip_prefix(BOM).unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text);
    let mut writer = csv::Writer::from_writer(BOM.to_vec());
    for (index, record) in reader.records().enumerate() {
        let record = record?;
        let mut cells: Vec<String> = record.iter().map(str::to_string).collect();
        if index > 0
            && let Some(reason) = cells.last_mut()
        {
            *reason = neutralize_formula(&translate(reason, lang)).into_owned();
        }
        writer.write_record(&cells)?;
    }
    writer
        .into_inner()
        .map_err(|e| csv::Error::from(e.into_error()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reasons_of_rejected_rows_are_translated_and_the_cells_kept() {
        let english = "\u{feff}订单ID,数量,error\n\
                       o-1,abc,\"数量 (quantity): \"\"abc\"\" is not a whole number\"\n";
        let chinese = localize_rejected(english.as_bytes(), Lang::Zh);
        let text = String::from_utf8(chinese).unwrap_or_default();
        assert_eq!(
            text,
            "\u{feff}订单ID,数量,error\no-1,abc,数量 (quantity)：“abc”不是整数\n"
        );
        assert_eq!(
            localize_rejected(english.as_bytes(), Lang::En),
            english.as_bytes()
        );
    }

    #[test]
    fn a_job_says_its_error_and_problems_in_chinese() {
        let mut job = serde_json::json!({
            "error": "1 problem(s), nothing was written: a.csv: line 2: 数量: \"x\" is not a whole number",
            "problems": [{"reason": "is required but empty"}],
            "rejected_note": null,
            "report": null
        });
        localize_job(&mut job, Lang::Zh);
        assert_eq!(
            job["error"],
            "发现 1 个问题，没有写入任何数据：a.csv：第 2 行：数量：“x”不是整数"
        );
        assert_eq!(job["problems"][0]["reason"], "必填，但为空");
        assert_eq!(job["rejected_note"], Value::Null);
    }
}

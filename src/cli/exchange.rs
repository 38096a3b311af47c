//! `refmap import …` and the file output of `export`: read other tools'
//! files through the engine, print the rules text or write it atomically.

use std::path::{Path, PathBuf};

use refmap::{Engine, ExchangeError, ImportOptions, ImportOutput, Sheet};

use super::args::{Import, SheetArgs};
use super::output::{emit, eprint_all, write_output};
use super::Ending;

/// Prints `bytes`, or writes them to `output`; a binary output needs a file.
pub fn deliver(output: Option<&Path>, bytes: &[u8], binary: bool) -> Result<(), Ending> {
    match output {
        Some(path) => write_output(path, bytes)
            .map_err(|e| Ending::Input(format!("cannot write {}: {e}", path.display()))),
        None if binary => Err(Ending::Input(
            "an XLSX workbook is binary: give `--output FILE.xlsx`".into(),
        )),
        None => {
            emit(&String::from_utf8_lossy(bytes));
            Ok(())
        }
    }
}

fn read(path: &Path) -> Result<Vec<u8>, Ending> {
    std::fs::read(path).map_err(|e| Ending::Input(format!("cannot read {}: {e}", path.display())))
}

fn finish(
    result: Result<ImportOutput, ExchangeError>,
    output: Option<&PathBuf>,
) -> Result<(), Ending> {
    let out = result.map_err(|e| Ending::Input(format!("[{}] {e}", e.code)))?;
    if !out.skipped.is_empty() {
        let lines: Vec<String> = out
            .skipped
            .iter()
            .map(|s| format!("skipped: {s}"))
            .collect();
        eprint_all(&lines);
    }
    deliver(output.map(PathBuf::as_path), out.text.as_bytes(), false)
}

/// Runs `import referential`, which reads no rules.
pub fn referential(id: &str, title: &str, sheet: &SheetArgs) -> Result<(), Ending> {
    let bytes = read(&sheet.file)?;
    let name = sheet.file.display().to_string();
    let result = Engine::import_referential(
        &name,
        &bytes,
        Sheet::of_path(&name),
        id,
        title,
        sheet.skip_bad,
    );
    finish(result, sheet.output.as_ref())
}

/// Runs an import that checks clauses against the rules.
pub fn import(engine: &Engine, what: &Import) -> Result<(), Ending> {
    match what {
        Import::Oscal { file, output } => {
            let name = file.display().to_string();
            let bytes = read(file)?;
            let text = String::from_utf8_lossy(&bytes);
            finish(engine.import_oscal(&name, &text), output.as_ref())
        }
        Import::Csv(sheet) | Import::Xlsx(sheet) => {
            let format = if matches!(what, Import::Xlsx(_)) {
                Sheet::Xlsx
            } else {
                Sheet::Csv
            };
            let name = sheet.file.display().to_string();
            let bytes = read(&sheet.file)?;
            let options = ImportOptions {
                skip_bad: sheet.skip_bad,
                title: sheet.mapping_title.clone(),
            };
            finish(
                engine.import_sheet(&name, &bytes, format, &options),
                sheet.output.as_ref(),
            )
        }
        Import::Referential { id, title, sheet } => referential(id, title, sheet),
    }
}

/// The same CSV for Excel in French (and other `;`) locales: `;` between
/// cells, CRLF line ends and a UTF-8 byte-order mark (`--csv-excel`).
pub fn for_excel(text: &str) -> Result<String, Ending> {
    let broken = |e: &dyn std::fmt::Display| Ending::Input(format!("cannot write the CSV: {e}"));
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes());
    let mut writer = csv::WriterBuilder::new()
        .delimiter(b';')
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    for record in reader.records() {
        let record = record.map_err(|e| broken(&e))?;
        writer.write_record(&record).map_err(|e| broken(&e))?;
    }
    let bytes = writer.into_inner().map_err(|e| broken(&e))?;
    Ok(format!("\u{feff}{}", String::from_utf8_lossy(&bytes)))
}

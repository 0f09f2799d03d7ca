// Where a report is written. `--report FILE.md` writes that file, as before. `--report DIR/` (a
// path ending in a separator, or an existing directory) writes a new dated file into it,
// `verify-2026-11-26T12-41-01Z.md` or `plan-...md`, and never replaces an earlier one: a folder
// of dated `verify` reports is the evidence over time that an auditor asks for.
import * as fs from "fs";
import * as path from "path";
import { UsageError } from "../cli/errors";
import { checkWritable, checkWritableFolder } from "../cli/files";
import { isoSeconds } from "./provenance";

export type ReportKind = "plan" | "verify";

/** Whether `--report` names a directory: it ends in a separator, or it is an existing directory. */
export function isReportDirectory(given: string): boolean {
    return /[\\/]$/.test(given) || (fs.existsSync(given) && fs.statSync(given).isDirectory());
}

/**
 * Refuses (exit 2), before the command does its work, a `--report` it could not write: a file
 * path as cli/files.ts checkWritable does, a folder (dated reports) where no file can be created.
 */
export function checkReportTarget(given: string, option = "--report"): void {
    if (isReportDirectory(given)) return checkWritableFolder(given, option);
    // `--report reports` most likely means a folder of dated reports; written as a file, each run
    // would replace the last. A new name without an extension is ambiguous: refused, with both ways.
    if (!fs.existsSync(given) && path.extname(given) === "")
        throw new UsageError(
            `${option} ${given}: no such file or folder, and the name has no extension (end it with / for a folder of dated reports, ${given}/, or name a file, ${given}.md)`,
        );
    checkWritable(given, option);
}

/**
 * The dated file name for a report made at `at`: ISO 8601 UTC with the colons as dashes, since
 * Windows forbids ':' in file names; names sort in time order.
 */
export function datedReportName(kind: ReportKind, at: Date): string {
    return `${kind}-${isoSeconds(at).replace(/:/g, "-")}.md`;
}

/**
 * The separator before the counter of a second report of the same second: `@` sorts after the `.`
 * of `.md` byte-wise (LC_ALL=C `ls`, `sort`), in Unicode collation (ICU, Intl.Collator, which
 * file browsers and JavaScript sort by), and in version sort (`ls -v`, which drops the `.md`
 * before comparing); `-` and `_` sort before `.` in one of them, `~` before the bare name in
 * version sort. Windows allows it: the reserved characters are < > : " / \ | ? *
 * (https://learn.microsoft.com/en-us/windows/win32/fileio/naming-a-file).
 */
const COLLISION_SEPARATOR = "@";
/** Two digits, so that `@10` does not sort before `@02` byte-wise; more than 99 reports of one second are refused. */
const MAX_IN_ONE_SECOND = 99;

/**
 * Writes the report: to `given` itself, or into the directory `given` as a new dated file (the
 * directory is created). A dated file is created exclusively ('wx'): when one of that second
 * already exists, `@02`, `@03`... is added, so an earlier report is never replaced and the names
 * still sort in the order written. Returns the path written.
 */
export function writeReport(given: string, kind: ReportKind, at: Date, text: string): string {
    if (!isReportDirectory(given)) {
        fs.writeFileSync(given, text);
        return given;
    }
    fs.mkdirSync(given, { recursive: true });
    const base = datedReportName(kind, at).replace(/\.md$/, "");
    for (let n = 1; n <= MAX_IN_ONE_SECOND; n++) {
        const suffix = n === 1 ? "" : `${COLLISION_SEPARATOR}${String(n).padStart(2, "0")}`;
        const file = path.join(given, `${base}${suffix}.md`);
        try {
            fs.writeFileSync(file, text, { flag: "wx" });
            return file;
        } catch (e) {
            if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
        }
    }
    throw new Error(
        `${given}: ${MAX_IN_ONE_SECOND} ${kind} reports of ${isoSeconds(at)} are there already; write the next one a second later or into another folder`,
    );
}

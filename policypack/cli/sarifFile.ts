// `check --sarif FILE`: the file refused before checking when it cannot be written, then written
// from what the check found (./sarif.ts builds the log).
import * as fs from "fs";
import * as path from "path";
import { checkWritable } from "../../cli/files";
import { PROJECT_ROOT } from "../../config/stackFile";
import { resolvePackConfig } from "../config";
import { CheckInputError, PackConfigInput, POLICIES, Suppression } from "../runner";
import { CheckInput } from "./input";
import { CheckedViolation } from "./render";
import { LocatedViolation, locate, Locator, repoUri, toSarif } from "./sarif";

/** Throws CheckInputError (exit 2) unless FILE can be written; nothing is checked before. */
export function assertWritable(file: string, input: string): void {
    if (input === "-")
        throw new CheckInputError(
            `cannot write --sarif ${file}: SARIF locates each result in a file of the repository; give INPUT as a file, not stdin`,
        );
    checkWritable(file, "--sarif");
}

/** The account of each planned resource, by stack and URN or name (the plan's JSON lists it). */
function accounts(input: CheckInput): Locator["accountOf"] {
    const byKey = new Map<string, string | null>();
    const put = (k: string, account: string) => {
        // A name two accounts share locates neither: a line is shown only when it is certain.
        const prev = byKey.get(k);
        byKey.set(k, prev === undefined || prev === account ? account : null);
    };
    input.targets.forEach((t, i) => {
        const stack = t.stack ?? `#${i}`;
        for (const r of t.resources) {
            const account = (r as { accountId?: unknown }).accountId;
            if (typeof account !== "string") continue;
            if (r.urn) put(`${stack}|urn|${r.urn}`, account);
            put(`${stack}|name|${r.name}`, account);
        }
    });
    const single = input.targets.length === 1 ? (input.targets[0].stack ?? "#0") : undefined;
    return (v) => {
        const stack = v.stack ?? single;
        if (stack === undefined) return undefined;
        const found = v.urn
            ? byKey.get(`${stack}|urn|${v.urn}`)
            : byKey.get(`${stack}|name|${v.resource}`);
        return found ?? undefined;
    };
}

export interface SarifRun {
    readonly input: CheckInput;
    /** The INPUT file as given. */
    readonly file: string;
    readonly config?: PackConfigInput;
    readonly violations: readonly CheckedViolation[];
    readonly suppressed: readonly (CheckedViolation & { suppression: Suppression })[];
    /** The repository root (default: the current directory, where the workflow runs it). */
    readonly root?: string;
    /** `https://github.com/OWNER/REPO`; default from GitHub Actions' GITHUB_SERVER_URL and GITHUB_REPOSITORY. */
    readonly repositoryUrl?: string;
}

/** The SARIF log of a check (its JSON), every result located. */
export function sarifOf(run: SarifRun): object {
    const root = run.root ?? process.cwd();
    const single = run.input.targets.length === 1 ? run.input.targets[0].stack : undefined;
    const locator: Locator = {
        inputUri: repoUri(run.file, root),
        inputText: fs.readFileSync(run.file, "utf8"),
        root,
        accountOf: accounts(run.input),
        stackOf: (v) => v.stack ?? single,
    };
    const files = new Map<string, string>();
    const located: LocatedViolation[] = [
        ...run.violations.map((violation) => ({
            violation,
            location: locate(violation, locator, files),
        })),
        ...run.suppressed.map(({ suppression, ...violation }) => ({
            violation,
            suppression,
            location: locate(violation, locator, files),
        })),
    ];
    const env = process.env;
    const repositoryUrl =
        run.repositoryUrl ??
        (env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY
            ? `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}`
            : undefined);
    const version = (
        JSON.parse(
            fs.readFileSync(path.join(PROJECT_ROOT, "policypack", "package.json"), "utf8"),
        ) as {
            version: string;
        }
    ).version;
    return toSarif(located, {
        policies: POLICIES,
        effective: resolvePackConfig(POLICIES, run.config),
        version,
        ...(repositoryUrl ? { repositoryUrl } : {}),
    });
}

/** Writes the SARIF log of a check to FILE. */
export function writeSarif(file: string, run: SarifRun): void {
    fs.writeFileSync(file, `${JSON.stringify(sarifOf(run), null, 2)}\n`);
}

/**
 * `check --sarif FILE`: the pack's verdicts as SARIF 2.1.0, for GitHub code scanning
 * (github/codeql-action/upload-sarif), which shows them on the pull request.
 *
 * What GitHub reads (https://docs.github.com/en/code-security/reference/code-scanning/sarif-files/sarif-support-for-code-scanning):
 * `$schema`, `version` "2.1.0", `runs[].tool.driver` {name, version, informationUri, rules[] {id,
 * shortDescription, fullDescription, helpUri, help, defaultConfiguration.level}}, `results[]`
 * {ruleId, ruleIndex, level, message.text, locations[].physicalLocation {artifactLocation {uri
 * relative to the repository root, uriBaseId}, region.startLine}, partialFingerprints}. GitHub
 * matches an alert across runs by `partialFingerprints.primaryLocationLineHash` alone ("Data for
 * preventing duplicated alerts", same page), which upload-sarif computes from the text of the
 * result's line only when the result has none (github/codeql-action src/fingerprints.ts,
 * locationUpdateCallback: an existing value is kept, a differing computed one only warned about).
 * Every violation of an account points at the same line of the stack file, so a computed hash
 * would merge different resources' violations of a policy into one alert, and a suppressed one
 * could close an open one: each result carries its own (`fingerprint`). File paths must be stable
 * across runs too. Every policy is a rule, with results or not: a rule that ran and found nothing
 * is how a fixed alert closes. GitHub accepts up to 25,000 results per run but keeps only the top
 * 5,000 by severity
 * (https://docs.github.com/en/code-security/code-scanning/troubleshooting-sarif-uploads/results-exceed-limit),
 * so more than 5,000 open violations are refused (an alert silently dropped is a violation
 * nobody sees) and suppressed results are left out first.
 * SARIF 2.1.0 itself: https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html (a
 * suppressed result carries `suppressions: [{kind: "external", justification}]`, §3.27.23, §3.35).
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { pathToFileURL } from "url";
import { Policies } from "@pulumi/policy";
import { EffectiveConfig } from "../config";
import { CheckInputError, PACK_NAME, Suppression } from "../runner";
import { CheckedViolation } from "./render";

export const SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";
/** The results per run GitHub keeps (of the 25,000 it accepts), the top ones by severity. */
export const MAX_RESULTS = 5_000;

type Level = "error" | "warning" | "note" | "none";

/** mandatory stops a deployment: an error; advisory: a warning; disabled: no level at all. */
export function sarifLevel(enforcementLevel: string): Level {
    if (enforcementLevel === "mandatory" || enforcementLevel === "remediate") return "error";
    if (enforcementLevel === "advisory") return "warning";
    return "none";
}

/** Where a result is shown: a file of the repository (relative, `/`-separated) and a line. */
export interface SarifLocation {
    readonly uri: string;
    readonly line: number;
}

/** A violation with where to show it. */
export interface LocatedViolation {
    readonly violation: CheckedViolation;
    readonly location: SarifLocation;
    /** The active suppression that hid it (a suppressed result). */
    readonly suppression?: Suppression;
}

export interface SarifOptions {
    readonly policies: Policies;
    readonly effective: ReadonlyMap<string, EffectiveConfig>;
    readonly version: string;
    /** `https://github.com/OWNER/REPO` when known (GitHub Actions): rules link to policypack/README.md. */
    readonly repositoryUrl?: string;
}

/**
 * The `primaryLocationLineHash` GitHub matches alerts with: the policy, the stack, the resource
 * (its URN when known) and the finding (its id, ../suppressions.ts findingId, else its message),
 * never a line or its text (an edit above the line would open a new alert; every violation of an
 * account shares its line).
 */
export function fingerprint(v: CheckedViolation): string {
    return createHash("sha256")
        .update(
            JSON.stringify([v.policy, v.stack ?? "", v.urn ?? v.resource, v.finding ?? v.message]),
        )
        .digest("hex");
}

/**
 * The results GitHub keeps: all of them up to MAX_RESULTS, else the open ones first (suppressed
 * ones fill what is left; one left out has no alert, as a suppressed one's is closed). More open
 * violations than that are refused: GitHub would drop some without a word.
 */
export function keptResults(results: readonly LocatedViolation[]): readonly LocatedViolation[] {
    if (results.length <= MAX_RESULTS) return results;
    const open = results.filter((r) => !r.suppression);
    if (open.length > MAX_RESULTS)
        throw new CheckInputError(
            `${open.length} open violations are more than GitHub code scanning keeps of one run (the top ${MAX_RESULTS} by severity; https://docs.github.com/en/code-security/code-scanning/troubleshooting-sarif-uploads/results-exceed-limit): fix or suppress violations, or check fewer stacks at once`,
        );
    return [...open, ...results.filter((r) => r.suppression).slice(0, MAX_RESULTS - open.length)];
}

/** The SARIF log of one check. */
export function toSarif(results: readonly LocatedViolation[], o: SarifOptions): object {
    // Each policy is described under one heading of policypack/README.md (a list item per policy).
    const docs = o.repositoryUrl
        ? `${o.repositoryUrl}/blob/HEAD/policypack/README.md#what-each-policy-checks`
        : undefined;
    const index = new Map(o.policies.map((p, i) => [p.name, i]));
    const rules = o.policies.map((p) => {
        const level = sarifLevel(o.effective.get(p.name)?.enforcementLevel ?? "advisory");
        return {
            id: p.name,
            name: p.name,
            shortDescription: { text: p.description },
            fullDescription: { text: p.description },
            help: {
                text: `${p.description}\nSee policypack/README.md, "What each policy checks" (${p.name}), for what it checks, and "Suppressions" for how to accept a violation.`,
            },
            ...(docs ? { helpUri: docs } : {}),
            defaultConfiguration: { level, ...(level === "none" ? { enabled: false } : {}) },
            properties: { tags: ["security", "iam", "pulumi-policy"] },
        };
    });
    const sarifResults = keptResults(results).map(({ violation: v, location, suppression }) => ({
        ruleId: v.policy,
        ruleIndex: index.get(v.policy) ?? -1,
        level: sarifLevel(v.enforcementLevel),
        message: {
            text: `${v.stack ? `${v.stack}/` : ""}${v.resource}: ${v.message}${v.urn ? `\n(${v.urn})` : ""}${v.source === "outputs" ? "\n(found in the stack's outputs: the deployed state)" : ""}`,
        },
        locations: [
            {
                physicalLocation: {
                    // A file outside the repository keeps its absolute file: URI (no base).
                    artifactLocation: location.uri.startsWith("file:")
                        ? { uri: location.uri }
                        : { uri: location.uri, uriBaseId: "%SRCROOT%" },
                    region: { startLine: location.line },
                },
            },
        ],
        partialFingerprints: { primaryLocationLineHash: fingerprint(v) },
        ...(suppression
            ? {
                  suppressions: [
                      {
                          kind: "external",
                          status: "accepted",
                          justification: `${suppression.reason} (until ${suppression.expires}; policypack config, ${v.policy}.suppressions)`,
                      },
                  ],
              }
            : {}),
    }));
    for (const r of sarifResults)
        if (r.ruleIndex < 0) throw new Error(`violation of ${r.ruleId}, which is not in the pack`);
    return {
        $schema: SARIF_SCHEMA,
        version: "2.1.0",
        runs: [
            {
                tool: {
                    driver: {
                        name: PACK_NAME,
                        version: o.version,
                        semanticVersion: o.version,
                        // The tool's home: the repository, when known (GitHub Actions).
                        ...(o.repositoryUrl ? { informationUri: o.repositoryUrl } : {}),
                        rules,
                    },
                },
                results: sarifResults,
            },
        ],
    };
}

// ---------------------------------------------------------------------------------------------
// Locations: the stack file's line of the account, else the checked input's line of the resource
// ---------------------------------------------------------------------------------------------

/**
 * A path as SARIF wants it: relative to the repository root, `/`-separated; a file outside the
 * root (an INPUT in /tmp) as an absolute file: URI, since "../" would name no file of the repository.
 */
export function repoUri(file: string, root: string): string {
    const abs = path.resolve(file);
    const rel = path.relative(path.resolve(root), abs);
    if (rel === "" || rel.startsWith("..") || path.isAbsolute(rel)) return pathToFileURL(abs).href;
    return rel.split(path.sep).join("/");
}

/** The 1-based line of the first whole-token occurrence of `needle`, or undefined. */
export function lineOf(text: string, needle: string): number | undefined {
    const escaped = needle.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const re = new RegExp(`(^|[^\\w-])${escaped}($|[^\\w-])`);
    const lines = text.split("\n");
    const i = lines.findIndex((l) => re.test(l));
    return i < 0 ? undefined : i + 1;
}

export interface Locator {
    /** The input file as checked (relative to the repository root). */
    readonly inputUri: string;
    readonly inputText: string;
    /** The repository root: where Pulumi.<stack>.yaml files are looked for. */
    readonly root: string;
    /** A resource's account, by stack and URN or name (the plan's JSON lists `accountId`). */
    readonly accountOf: (v: CheckedViolation) => string | undefined;
    /** The stack of a violation when the input names one stack. */
    readonly stackOf: (v: CheckedViolation) => string | undefined;
}

/**
 * Where to show a violation: the line of its account in the stack's Pulumi.<stack>.yaml when the
 * stack, its file and the account id in it are all found; else the checked input's line with the
 * resource's URN; else the input's first line. Never a guessed line.
 */
export function locate(
    v: CheckedViolation,
    l: Locator,
    files = new Map<string, string>(),
): SarifLocation {
    const stack = l.stackOf(v);
    const account = l.accountOf(v);
    if (stack && account && /^[\w.-]+$/.test(stack)) {
        const file = path.join(l.root, `Pulumi.${stack}.yaml`);
        if (!files.has(file))
            files.set(file, fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "");
        const line = lineOf(files.get(file)!, account);
        if (line) return { uri: repoUri(file, l.root), line };
    }
    const line = v.urn ? lineOf(l.inputText, JSON.stringify(v.urn).slice(1, -1)) : undefined;
    return { uri: l.inputUri, line: line ?? 1 };
}

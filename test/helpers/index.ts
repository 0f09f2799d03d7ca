// Shared test helpers: build stack config in memory, run the real program under the plan's mock
// runtime, and look resources up by type and name.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import * as assert from "assert";
import { ConfigError, StackFileConfig } from "../../config";
import { planStack, PlannedResource, PlanResult } from "../../plan/run";

export const SECURITY = "111122223333";
export const MANAGEMENT = "123456789012";
export const LOG_ARCHIVE = "444455556666";
export const PROD = "777788889999";
export const STAGING = "555555555555";
export const DEV = "999988887777";

/**
 * The text of a small security stack file (security 111122223333, management 123456789012, one
 * auditor), with `extra` lines appended under `config:`, for tests that run the CLIs on a file.
 */
export function securityStackText(extra: readonly string[] = []): string {
    return [
        "config:",
        "  aws:region: us-east-1",
        '  org-access:securityAccountId: "111122223333"',
        "  org-access:organizationId: o-abcdefghij",
        "  org-access:managementAccount:",
        '    accountId: "123456789012"',
        "  org-access:auditors: [alice]",
        ...extra,
    ].join("\n");
}

/** A project folder of fixture stack files (never the repository's own), one per stack name. */
export function stackFilesFolder(files: Record<string, string>, prefix: string): string {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    for (const [stack, text] of Object.entries(files))
        fs.writeFileSync(path.join(root, `Pulumi.${stack}.yaml`), text);
    return root;
}

/** Every file of a folder with its text: what "nothing written" compares. */
export function folderSnapshot(root: string): Record<string, string> {
    return Object.fromEntries(
        fs.readdirSync(root).map((f) => [f, fs.readFileSync(path.join(root, f), "utf8")]),
    );
}

/** Config of a stack as the engine passes it: `org-access:` keys, JSON for structured values. */
export function stackFileOf(
    values: Record<string, unknown>,
    options: { region?: string | null; secretKeys?: string[] } = {},
): StackFileConfig {
    const config: Record<string, string> = {};
    if (options.region !== null) config["aws:region"] = options.region ?? "us-east-1";
    for (const [k, v] of Object.entries(values))
        config[`org-access:${k}`] = typeof v === "string" ? v : JSON.stringify(v);
    return { config, secretKeys: (options.secretKeys ?? []).map((k) => `org-access:${k}`) };
}

export function workloadValues(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    return {
        securityAccountId: SECURITY,
        workloadAccounts: [
            { name: "prod", accountId: PROD },
            { name: "staging", accountId: STAGING },
        ],
        trustedPrincipals: {
            humanArns: [`arn:aws:iam::${SECURITY}:user/org-access/alice`],
            reporters: [
                {
                    name: "reporter",
                    arn: `arn:aws:iam::${SECURITY}:user/org-access/reporter`,
                    externalId: "ext-id-0123456789abcdef",
                },
            ],
        },
        ...overrides,
    };
}

export function securityValues(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    return {
        securityAccountId: SECURITY,
        organizationId: "o-abcdefghij",
        managementAccount: { accountId: MANAGEMENT, deployRoleName: "OrgAccessDeployRole" },
        logArchiveAccount: { accountId: LOG_ARCHIVE },
        auditors: ["alice", "bob"],
        reporters: [{ name: "reporter", externalId: "ext-id-0123456789abcdef" }],
        ...overrides,
    };
}

/** A temporary project folder holding the given stack files, for the security stack to read. */
export function projectWith(files: Record<string, Record<string, unknown>>): string {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "org-access-test-"));
    for (const [stack, values] of Object.entries(files)) {
        const { config } = stackFileOf(values);
        const doc = {
            config: Object.fromEntries(
                Object.entries(config).map(([k, v]) => [k, /^[[{]/.test(v) ? JSON.parse(v) : v]),
            ),
        };
        fs.writeFileSync(path.join(root, `Pulumi.${stack}.yaml`), YAML.stringify(doc));
    }
    return root;
}

export function planWorkload(
    values: Record<string, unknown>,
    options: {
        stackOutputs?: Record<string, Record<string, unknown>>;
        secretKeys?: string[];
        region?: string;
    } = {},
): Promise<PlanResult> {
    return planStack({
        stack: "workload",
        stackFile: stackFileOf(values, { secretKeys: options.secretKeys, region: options.region }),
        stackOutputs: options.stackOutputs,
    });
}

/** Plans the security stack, reading workload stack files from `root`. */
export async function planSecurity(
    values: Record<string, unknown>,
    root: string,
    secretKeys?: string[],
): Promise<PlanResult> {
    // Imported here so the module graph loads once the mocks exist, as in pulumi's unit-test examples.
    const { loadSecurityConfig } = await import("../../config");
    const { securityStack } = await import("../../stacks/security");
    return planStack({
        stack: "security",
        stackFile: stackFileOf(values, { secretKeys }),
        build: () => securityStack(loadSecurityConfig("security", undefined, root)),
    });
}

export function ofType(result: PlanResult, type: string): PlannedResource[] {
    return result.resources.filter((r) => r.type === type);
}

export function one(result: PlanResult, type: string, name: string): PlannedResource {
    const found = result.resources.filter((r) => r.type === type && r.name === name);
    if (found.length !== 1)
        throw new Error(
            `expected one ${type} named ${name}, found ${found.length}: ${result.resources.map((r) => `${r.type}/${r.name}`).join(", ")}`,
        );
    return found[0];
}

/** A policy document prop, parsed. */
export function doc(value: unknown): { Version?: string; Statement: Record<string, any>[] } {
    const parsed = typeof value === "string" ? JSON.parse(value) : value;
    return parsed as { Version?: string; Statement: Record<string, any>[] };
}

export function statement(value: unknown, sid: string): Record<string, any> {
    const found = doc(value).Statement.filter((s) => s.Sid === sid);
    if (found.length !== 1) throw new Error(`expected one statement ${sid}, found ${found.length}`);
    return found[0];
}

/** Captures what a promise rejects with; fails if it resolves. */
export async function rejection(p: Promise<unknown>): Promise<Error> {
    try {
        await p;
    } catch (e) {
        return e as Error;
    }
    throw new Error("expected the promise to reject, but it resolved");
}

/** What a command writes, captured: `io` for the command, `c.out`/`c.err` to read. */
export function capture() {
    const c = { out: "", err: "" };
    return {
        c,
        io: {
            out: { write: (s: string) => (c.out += s) },
            err: { write: (s: string) => (c.err += s) },
        },
    };
}

/** The problem lines of the ConfigError `f` throws. */
export function problems(f: () => unknown): string[] {
    try {
        f();
    } catch (e) {
        assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${String(e)}`);
        return e.message.split("\n").slice(1);
    }
    assert.fail("expected the config to be rejected");
}

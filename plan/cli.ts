// `npm start -- [--stack security|workload] [--config-file PATH] [--json]`
//
// The offline plan: runs the real program under Pulumi's mock runtime and shows what it would
// create in which account. Exit codes: 0 ok, 1 policy violation or unsafe plan, 2 invalid input.
import * as pulumi from "@pulumi/pulumi";
import {
    ConfigError,
    ConfigProblem,
    formatProblems,
    readStackFile,
    StackFileError,
    stackFilePath,
    stackFileWarnings,
} from "../config";
import * as fs from "fs";
import { accessModel, AccessModel } from "../evidence/model";
import { AccountAccess } from "../evidence/profiles";
import { renderReport } from "../evidence/report";
import { EvidenceEntry, evidenceMatrix, mismatches } from "../evidence/simulate";
import {
    CheckInputError,
    checkResources,
    loadPackConfig,
    PackConfigInput,
    PolicyConfigError,
    Violation,
} from "../policypack/runner";
import { PROJECT_ROOT } from "../config";
import * as path from "path";
import {
    DefaultProviderError,
    needsSecurityOutputs,
    planStack,
    PlannedResource,
    PlanResult,
    toPackResource,
} from "./run";

export class UsageError extends Error {}

export interface CliOptions {
    readonly stacks: string[];
    readonly configFile?: string;
    readonly json: boolean;
    /** Write the Markdown evidence report to this file. */
    readonly report?: string;
    /** Policy-pack config file (the `--policy-pack-config` format); default policypack/policy-config.json. */
    readonly policyConfig?: string;
    /** Write the effective policy-pack config of the planned stack here, for `pulumi preview`. */
    readonly writePolicyConfig?: string;
    /** Treat stack-file warnings (REPLACE-ME placeholders, plain-text secrets) as errors (exit 2). */
    readonly strict?: boolean;
}

/** The policy-pack config CI uses with `pulumi preview --policy-pack policypack --policy-pack-config`. */
export const DEFAULT_POLICY_CONFIG = path.join(PROJECT_ROOT, "policypack", "policy-config.json");

/** One planned stack with its evidence. */
export interface StackPlan {
    readonly result: PlanResult;
    readonly model: AccessModel;
    readonly evidence: EvidenceEntry[];
    /** What the CrossGuard pack reports for the planned resources. */
    readonly violations: Violation[];
    /** The pack config the violations were computed with. */
    readonly packConfig: PackConfigInput;
    /** What must change in the stack file before a deploy: placeholders, plain-text secrets. */
    readonly warnings: ConfigProblem[];
}

export const USAGE = `usage: npm start -- [--stack security|workload|workload-<shard>] [--config-file PATH] [--json] [--report FILE.md] [--strict]

Plans the org-access program offline, with no cloud credentials: runs it under Pulumi's mock
runtime with the config of Pulumi.<stack>.yaml and lists every resource by target account.
Without --stack, plans the security stack and then the workload stack.

  --stack NAME         plan only this stack
  --config-file PATH   read this stack file instead of Pulumi.<stack>.yaml (needs --stack)
  --json               print JSON: {"stack", "resources": [{"type", "name", "urn", "accountId", "props",
                       "options": {"protect", "retainOnDelete", "dependsOn"}}],
                       "evidence": [{"accountId", "role", "scenario", "expected", "simulated", "reason"}],
                       "violations": [...], "warnings": [{"path", "message", "fix"}]}
                       (with both stacks: {"stacks": [ ... ]})
  --report FILE.md     also write a Markdown report: access graph, evidence matrix, controls
  --policy-config FILE policy-pack config, as for --policy-pack-config (default policypack/policy-config.json)
  --write-policy-config FILE
                       write that config plus what only the stack knows (the accounts that must each
                       have an audit role), for pulumi preview --policy-pack-config (needs --stack)
  --strict             fail (exit 2) on stack-file warnings: REPLACE-ME example values, which
                       pulumi up refuses, and ExternalIds written in plain text instead of secure:

Exit codes: 0 ok; 1 a policy violation, an evidence mismatch or an unsafe plan; 2 invalid config
or usage, or (with --strict) a stack-file warning.`;

export function parseArgs(argv: readonly string[]): CliOptions | "help" {
    let stack: string | undefined;
    let configFile: string | undefined;
    let json = false;
    let report: string | undefined;
    let policyConfig: string | undefined;
    let writePolicyConfig: string | undefined;
    let strict = false;
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        const value = () => {
            const v = argv[++i];
            if (v === undefined || v.startsWith("--")) throw new UsageError(`${arg} needs a value`);
            return v;
        };
        if (arg === "--help" || arg === "-h") return "help";
        else if (arg === "--json") json = true;
        else if (arg === "--strict") strict = true;
        else if (arg === "--stack") stack = value();
        else if (arg.startsWith("--stack=")) stack = arg.slice("--stack=".length);
        else if (arg === "--config-file") configFile = value();
        else if (arg.startsWith("--config-file=")) configFile = arg.slice("--config-file=".length);
        else if (arg === "--report") report = value();
        else if (arg.startsWith("--report=")) report = arg.slice("--report=".length);
        else if (arg === "--policy-config") policyConfig = value();
        else if (arg === "--write-policy-config") writePolicyConfig = value();
        else if (arg.startsWith("--policy-config="))
            policyConfig = arg.slice("--policy-config=".length);
        else throw new UsageError(`unknown argument "${arg}"`);
    }
    if (stack !== undefined && !/^(security|workload(-[A-Za-z0-9_.-]+)?)$/.test(stack)) {
        throw new UsageError(
            `--stack must be security, workload or workload-<shard>, not "${stack}"`,
        );
    }
    if (writePolicyConfig !== undefined && stack === undefined)
        throw new UsageError("--write-policy-config needs --stack: each stack gets its own config");
    if (configFile !== undefined && stack === undefined)
        throw new UsageError("--config-file needs --stack, to say which stack the file configures");
    return {
        stacks: stack ? [stack] : ["security", "workload"],
        configFile,
        json,
        report,
        policyConfig,
        writePolicyConfig,
        ...(strict ? { strict } : {}),
    };
}

/** Stack-file warnings of one stack, read from the file as it is written (see config/placeholders.ts). */
export function stackWarnings(stack: string, configFile?: string): ConfigProblem[] {
    return stackFileWarnings(readStackFile(configFile ?? stackFilePath(stack)).config);
}

/** The warnings of each planned stack, one block per stack, in the config-error format. */
export function warningLines(plans: readonly StackPlan[]): string[] {
    return plans
        .filter((p) => p.warnings.length > 0)
        .map((p) =>
            formatProblems(p.result.stack, p.warnings).replace(
                /^invalid configuration for stack "([^"]+)" \((\d+) problems?\)/,
                (_, stack: string, n: string) =>
                    `stack "${stack}": ${n} value(s) to replace before pulumi up (npm start -- --strict fails on them)`,
            ),
        );
}

/**
 * Plans the requested stacks, planning the security stack first where a workload stack references
 * it, and simulates the evidence matrix of each. The security stack's plan, when there is one,
 * supplies the callers' side of cross-account access.
 */
export async function runPlan(
    options: Pick<CliOptions, "stacks" | "configFile" | "policyConfig">,
): Promise<StackPlan[]> {
    // Read the pack's config first: a bad file is a usage error, found before any planning.
    const packConfig: PackConfigInput = options.policyConfig
        ? loadPackConfig(options.policyConfig)
        : fs.existsSync(DEFAULT_POLICY_CONFIG)
          ? loadPackConfig(DEFAULT_POLICY_CONFIG)
          : {};
    const results: PlanResult[] = [];
    const stackOutputs: Record<string, Record<string, unknown>> = {};
    let security: PlanResult | undefined;
    for (const stack of options.stacks) {
        const configFile = options.stacks.length === 1 ? options.configFile : undefined;
        const { needed, stackName } = needsSecurityOutputs(stack, configFile);
        if (needed) {
            // The workload stack trusts the security stack's outputs; plan it to know them.
            security = security ?? (await planStack({ stack: "security" }));
            stackOutputs[stackName] = security.outputs;
        }
        const result = await planStack({ stack, configFile, stackOutputs });
        if (stack === "security") security = result;
        results.push(result);
    }
    return results.map((result) => {
        const model = accessModel({
            stack: result,
            security: result.stack === "security" ? result : security,
        });
        const effective = packConfigFor(result, packConfig);
        return {
            result,
            model,
            evidence: evidenceMatrix(model),
            violations: checkResources(result.resources.map(toPackResource), effective),
            packConfig: effective,
            warnings: stackWarnings(
                result.stack,
                options.stacks.length === 1 ? options.configFile : undefined,
            ),
        };
    });
}

/**
 * The pack's config for one planned stack: the given config, plus what only the stack knows. In
 * provider mode, audit-role-per-workload-account learns the accounts that must each have an audit
 * role (the stack's `accounts` output) and the role's name, unless the config sets them itself.
 */
export function packConfigFor(result: PlanResult, base: PackConfigInput): PackConfigInput {
    const accounts = result.outputs.accounts;
    if (result.outputs.deploymentMode !== "provider" || !Array.isArray(accounts)) return base;
    const key = "audit-role-per-workload-account";
    const given = base[key];
    const settings =
        typeof given === "object" && given !== null
            ? given
            : typeof given === "string"
              ? { enforcementLevel: given }
              : {};
    const arn = Object.values((result.outputs.auditRoleArns ?? {}) as Record<string, string>)[0];
    return {
        ...base,
        [key]: {
            workloadAccountIds: accounts.map((a: { accountId: string }) => a.accountId),
            ...(typeof arn === "string" ? { roleName: arn.split("/").pop() } : {}),
            ...settings,
        },
    };
}

/** Cloud resources and providers; components and stack references are not deployed anywhere. */
export function deployed(resources: readonly PlannedResource[]): PlannedResource[] {
    return resources.filter((r) => !r.component && r.type !== "pulumi:pulumi:StackReference");
}

export function toJson(plans: readonly StackPlan[]): unknown {
    const one = (p: StackPlan) => ({
        stack: p.result.stack,
        resources: deployed(p.result.resources).map((res) => ({
            type: res.type,
            name: res.name,
            urn: res.urn,
            accountId: res.accountId,
            props: readableProps(res),
            options: {
                protect: res.options.protect,
                retainOnDelete: res.options.retainOnDelete,
                dependsOn: res.options.dependsOn,
            },
        })),
        evidence: p.evidence,
        violations: p.violations,
        warnings: p.warnings,
    });
    return plans.length === 1 ? one(plans[0]) : { stacks: plans.map(one) };
}

/** 1 when a mandatory policy is violated or a scenario does not behave as designed, 0 otherwise. */
export function planExitCode(plans: readonly StackPlan[]): number {
    return plans.some(
        (p) =>
            mismatches(p.evidence).length > 0 ||
            p.violations.some((v) => v.enforcementLevel === "mandatory"),
    )
        ? 1
        : 0;
}

/** The pack's verdicts, one line each. */
export function violationLines(violations: readonly Violation[]): string[] {
    const mandatory = violations.filter((v) => v.enforcementLevel === "mandatory").length;
    return [
        `policy pack: ${violations.length === 0 ? "no violations" : `${mandatory} mandatory, ${violations.length - mandatory} advisory violation(s)`}`,
        ...violations.map(
            (v) =>
                `  ${v.enforcementLevel.toUpperCase().padEnd(9)} ${v.policy} on ${v.resource}: ${v.message}`,
        ),
    ];
}

/** One line per account and role: all scenarios as expected, or each one that is not. */
export function evidenceLines(evidence: readonly EvidenceEntry[]): string[] {
    const byRole = new Map<string, EvidenceEntry[]>();
    for (const e of evidence)
        byRole.set(`${e.accountId} ${e.role}`, [
            ...(byRole.get(`${e.accountId} ${e.role}`) ?? []),
            e,
        ]);
    const lines = [
        `evidence: ${evidence.length - mismatches(evidence).length} of ${evidence.length} scenarios as expected`,
    ];
    for (const [key, list] of byRole) {
        const bad = mismatches(list);
        if (bad.length === 0)
            lines.push(`  ok    ${key}: ${list.length} of ${list.length} scenarios as expected`);
        else
            for (const e of bad)
                lines.push(
                    `  FAIL  ${key}: ${e.scenario} expected ${e.expected}, simulated ${e.simulated}: ${e.reason}`,
                );
    }
    return lines;
}

/** Provider inputs of list and map type reach the engine as JSON strings; show them as values. */
function decodeJson(v: unknown): unknown {
    if (typeof v === "string" && /^[[{]/.test(v)) {
        try {
            return JSON.parse(v);
        } catch {
            return v;
        }
    }
    return v;
}

function readableProps(r: PlannedResource): Record<string, unknown> {
    if (!r.type.startsWith("pulumi:providers:")) return r.props;
    return Object.fromEntries(Object.entries(r.props).map(([k, v]) => [k, decodeJson(v)]));
}

/** A short note on what matters about a resource, for the table. */
function detail(r: PlannedResource): string {
    const p = r.props;
    switch (r.type) {
        case "pulumi:providers:aws": {
            const roles = decodeJson(p.assumeRoles);
            const role = Array.isArray(roles)
                ? (roles[0] as { roleArn?: string })?.roleArn
                : undefined;
            return `assumes ${role ?? "?"}`;
        }
        case "aws:iam/role:Role":
            return `${p.name} (max session ${p.maxSessionDuration ?? 3600} s)`;
        default:
            return typeof p.name === "string"
                ? p.name
                : typeof p.bucket === "string"
                  ? p.bucket
                  : "";
    }
}

export function toTable(result: PlanResult): string {
    const resources = deployed(result.resources);
    const accounts = new Map<string, PlannedResource[]>();
    for (const r of resources) {
        const key = r.accountId ?? "(none)";
        accounts.set(key, [...(accounts.get(key) ?? []), r]);
    }
    const lines = [
        `stack ${result.stack} (region ${result.region}): ${resources.length} resources in ${accounts.size} account${accounts.size === 1 ? "" : "s"}`,
    ];
    const typeWidth = Math.max(...resources.map((r) => r.type.length), 4);
    const nameWidth = Math.max(...resources.map((r) => r.name.length), 4);
    for (const [account, list] of accounts) {
        const providerNames = [
            ...new Set(
                list.filter((r) => r.type.startsWith("pulumi:providers:")).map((r) => r.name),
            ),
        ];
        lines.push(
            "",
            `account ${account}${providerNames.length ? ` (${providerNames.join(", ")})` : ""}`,
        );
        for (const r of list)
            lines.push(
                `  ${r.type.padEnd(typeWidth)}  ${r.name.padEnd(nameWidth)}  ${detail(r)}`.trimEnd(),
            );
    }
    return lines.join("\n");
}

/** Where the CLI writes; process.stdout and process.stderr in real use. */
export interface Sink {
    write(text: string): unknown;
}

export async function main(
    argv: readonly string[],
    out: Sink = process.stdout,
    err: Sink = process.stderr,
): Promise<number> {
    let options: CliOptions;
    try {
        const parsed = parseArgs(argv);
        if (parsed === "help") {
            out.write(`${USAGE}\n`);
            return 0;
        }
        options = parsed;
    } catch (e) {
        err.write(`error: ${(e as Error).message}\n\n${USAGE}\n`);
        return 2;
    }
    try {
        const plans = await runPlan(options);
        const warnings = warningLines(plans);
        if (options.strict && warnings.length > 0) {
            err.write(`${warnings.map((w) => w.replace(/^stack/, "error: stack")).join("\n")}\n`);
            return 2;
        }
        for (const w of warnings) err.write(`warning: ${w}\n`);
        out.write(
            options.json
                ? `${JSON.stringify(toJson(plans), null, 2)}\n`
                : `${plans.map((p) => [toTable(p.result), "", ...violationLines(p.violations), "", ...evidenceLines(p.evidence)].join("\n")).join("\n\n")}\n`,
        );
        if (options.writePolicyConfig) {
            fs.writeFileSync(
                options.writePolicyConfig,
                `${JSON.stringify(plans[0].packConfig, null, 2)}\n`,
            );
        }
        if (options.report) {
            fs.writeFileSync(
                options.report,
                renderReport({
                    source: `npm start -- ${argv.join(" ")}`.trim(),
                    policyPackRan: true,
                    stacks: plans.map((p) => ({
                        stack: p.result.stack,
                        model: p.model,
                        evidence: p.evidence,
                        violations: p.violations,
                        resourceCount: deployed(p.result.resources).length,
                        accessProfiles: p.result.outputs.accessProfiles as
                            Record<string, AccountAccess> | undefined,
                    })),
                }),
            );
            if (!options.json) out.write(`report written to ${options.report}\n`);
        }
        const failed = plans.flatMap((p) => mismatches(p.evidence));
        if (failed.length > 0)
            err.write(`evidence: ${failed.length} scenario(s) do not behave as designed\n`);
        const mandatory = plans
            .flatMap((p) => p.violations)
            .filter((v) => v.enforcementLevel === "mandatory");
        if (mandatory.length > 0)
            err.write(`policy pack: ${mandatory.length} mandatory violation(s)\n`);
        return planExitCode(plans);
    } catch (e) {
        if (
            e instanceof ConfigError ||
            e instanceof StackFileError ||
            e instanceof PolicyConfigError ||
            e instanceof CheckInputError ||
            pulumi.RunError.isInstance(e)
        ) {
            err.write(`${(e as Error).message}\n`);
            return 2;
        }
        if (e instanceof DefaultProviderError) {
            err.write(`unsafe plan: ${e.message}\n`);
            return 1;
        }
        err.write(`internal error: ${(e as Error).stack ?? String(e)}\n`);
        return 1;
    }
}

if (require.main === module) {
    main(process.argv.slice(2)).then((code) => {
        process.exitCode = code;
    });
}

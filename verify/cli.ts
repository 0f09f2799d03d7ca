// `npm run verify -- --stack workload [--profile P] [--mfa-serial ARN --token-code CODE | --external-id ID]`
//
// Proves, against real AWS and after `pulumi up`, what the offline evidence matrix simulates.
// Exit codes: 0 every scenario as expected; 1 a scenario is not; 2 missing credentials or
// permissions, a missing deploy prerequisite (SCPs not enabled), invalid config or usage.
import { fromIni, fromNodeProviderChain } from "@aws-sdk/credential-providers";
import * as fs from "fs";
import * as readline from "readline";
import {
    auditRoleArn,
    ConfigError,
    decodeValues,
    namespaceValues,
    partitionOf,
    readStackFile,
    StackFileError,
    stackFilePath,
    validateSecurityConfig,
    validateWorkloadConfig,
} from "../config";
import { renderReport } from "../evidence/report";
import { mismatches } from "../evidence/simulate";
import { runPlan } from "../plan/cli";
import {
    AwsCredentialIdentityProvider,
    verify,
    VerifyPrerequisiteError,
    VerifyResult,
    VerifyTarget,
} from "./run";

export const USAGE = `usage: npm run verify -- [--stack workload] [--profile NAME] [--aws-login] [--region REGION] [--accounts a,b]
                         [--mfa-serial ARN --token-code CODE | --external-id ID] [--json] [--report FILE.md]
                         [--security-config-file PATH] [--org-profile NAME]

Runs the evidence scenarios against real AWS with your own credentials, after pulumi up:
first, when the security stack attaches SCPs, that the SERVICE_CONTROL_POLICY type is enabled
on the organization's root (organizations:ListRoots); then real sts:AssumeRole attempts (without
MFA, with MFA, or with right/wrong/no ExternalId), the role's permissions through
iam:SimulatePrincipalPolicy, and the AssumeRole events in CloudTrail. It only reads and assumes
roles; it never writes to AWS.

  --stack NAME         workload stack whose accounts to verify (default workload)
  --config-file PATH   read this stack file instead of Pulumi.<stack>.yaml
  --profile NAME       AWS profile to use (default: the SDK's default credential chain)
  --aws-login          the profile's credentials come from \`aws login\` (no access keys): MFA is sent
                       with each sts:AssumeRole, and each account after the first asks for a fresh
                       code on the terminal (STS accepts each code once)
  --region REGION      STS, IAM and CloudTrail region (default: the stack's aws:region)
  --accounts a,b       only these workload accounts (by name)
  --mfa-serial ARN     your MFA device, with --token-code: proves MFA access (humans)
  --token-code CODE    a current code from that device
  --external-id ID     prove programmatic access with this ExternalId (reporters)
  --security-config-file PATH
                       the security stack file whose guardrails decide the SCP check
                       (default Pulumi.security.yaml; no file or no guardrails: no check)
  --org-profile NAME   profile for organizations:ListRoots: the management account or a delegated
                       administrator (default: --profile)
  --json               print {"stack", "organization", "caller", "evidence": [...], "skipped": [...], "cloudtrail": [...]}
  --report FILE.md     write the same report as the offline plan, with these verdicts

Exit codes: 0 every scenario as expected; 1 one is not; 2 missing credentials or permissions,
SCPs not enabled on the root, bad config or usage.`;

export class UsageError extends Error {}

export interface VerifyCliOptions {
    readonly stack: string;
    readonly configFile?: string;
    readonly profile?: string;
    readonly region?: string;
    readonly accounts?: string[];
    readonly mfaSerial?: string;
    readonly tokenCode?: string;
    readonly externalId?: string;
    readonly json: boolean;
    readonly report?: string;
    readonly awsLogin?: boolean;
    readonly securityConfigFile?: string;
    readonly orgProfile?: string;
}

export function parseArgs(argv: readonly string[]): VerifyCliOptions | "help" {
    const o: { -readonly [K in keyof VerifyCliOptions]: VerifyCliOptions[K] } = {
        stack: "workload",
        json: false,
    };
    const flags: Record<string, (v: string) => void> = {
        "--stack": (v) => (o.stack = v),
        "--config-file": (v) => (o.configFile = v),
        "--profile": (v) => (o.profile = v),
        "--region": (v) => (o.region = v),
        "--accounts": (v) =>
            (o.accounts = v
                .split(",")
                .map((s) => s.trim())
                .filter(Boolean)),
        "--mfa-serial": (v) => (o.mfaSerial = v),
        "--token-code": (v) => (o.tokenCode = v),
        "--external-id": (v) => (o.externalId = v),
        "--report": (v) => (o.report = v),
        "--security-config-file": (v) => (o.securityConfigFile = v),
        "--org-profile": (v) => (o.orgProfile = v),
    };
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (arg === "--help" || arg === "-h") return "help";
        if (arg === "--json") {
            o.json = true;
            continue;
        }
        if (arg === "--aws-login") {
            o.awsLogin = true;
            continue;
        }
        const [flag, inline] = arg.includes("=")
            ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)]
            : [arg, undefined];
        const set = flags[flag];
        if (!set) throw new UsageError(`unknown argument "${arg}"`);
        const v = inline ?? argv[++i];
        if (v === undefined || v.startsWith("--")) throw new UsageError(`${flag} needs a value`);
        set(v);
    }
    if (!/^workload(-[A-Za-z0-9_.-]+)?$/.test(o.stack))
        throw new UsageError(
            `--stack must be a workload stack (workload or workload-<shard>), not "${o.stack}"`,
        );
    if ((o.mfaSerial === undefined) !== (o.tokenCode === undefined))
        throw new UsageError("--mfa-serial and --token-code go together");
    if (o.tokenCode !== undefined && !/^\d{6}$/.test(o.tokenCode))
        throw new UsageError("--token-code must be the 6 digits your MFA device shows");
    if (o.externalId !== undefined && o.mfaSerial !== undefined)
        throw new UsageError("use --external-id (a program) or --mfa-serial (a human), not both");
    if (o.awsLogin && o.externalId !== undefined)
        throw new UsageError(
            "--aws-login is for people; programs use --external-id with their own keys",
        );
    return o;
}

/**
 * Whether the security stack attaches SCPs: read from its stack file with the program's own
 * schema. No file (a workload-only checkout) means no check, unless the file was named.
 */
export function securityHasGuardrails(
    options: Pick<VerifyCliOptions, "securityConfigFile">,
): boolean {
    const file = options.securityConfigFile ?? stackFilePath("security");
    if (options.securityConfigFile === undefined && !fs.existsSync(file)) return false;
    const { config } = readStackFile(file);
    const cfg = validateSecurityConfig(
        { values: namespaceValues(decodeValues(config)), region: config["aws:region"] },
        "security",
    );
    return cfg.guardrails !== undefined;
}

/** Asks for one line on the terminal (stderr, so --json output stays clean). */
function askLine(question: string): Promise<string> {
    const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
    return new Promise((resolve) =>
        rl.question(question, (answer) => {
            rl.close();
            resolve(answer.trim());
        }),
    );
}

/** The audit roles of a workload stack, from its stack file and the same schema as the program. */
export function targetsOf(options: Pick<VerifyCliOptions, "stack" | "configFile" | "accounts">): {
    region: string;
    sessionSeconds: number;
    targets: VerifyTarget[];
} {
    const { config } = readStackFile(options.configFile ?? stackFilePath(options.stack));
    const region = config["aws:region"];
    const cfg = validateWorkloadConfig(
        { values: namespaceValues(decodeValues(config)), region },
        options.stack,
    );
    const partition = partitionOf(region);
    const unknown = (options.accounts ?? []).filter(
        (a) => !cfg.workloadAccounts.some((w) => w.name === a),
    );
    if (unknown.length > 0)
        throw new UsageError(
            `--accounts names accounts that are not in the stack: ${unknown.join(", ")}`,
        );
    const chosen = cfg.workloadAccounts.filter(
        (a) => !options.accounts || options.accounts.includes(a.name),
    );
    return {
        region,
        sessionSeconds: cfg.auditRole.sessionSeconds,
        targets: chosen.map((a) => ({
            account: a.name,
            accountId: a.accountId,
            roleName: cfg.auditRole.name,
            roleArn: auditRoleArn(partition, a.accountId, cfg.auditRole),
        })),
    };
}

export function toLines(result: VerifyResult): string[] {
    const bad = mismatches(result.evidence);
    const lines = [
        ...(result.organization
            ? [
                  `organization: service control policies enabled on ${result.organization.roots.map((r) => r.id).join(", ")}`,
              ]
            : []),
        `caller: ${result.caller.arn}`,
        `verified: ${result.evidence.length - bad.length} of ${result.evidence.length} scenarios as expected`,
    ];
    for (const e of result.evidence)
        lines.push(
            `  ${e.expected === e.simulated ? "ok  " : "FAIL"}  ${e.accountId} ${e.role} ${e.scenario}: ${e.simulated} (expected ${e.expected}): ${e.reason}`,
        );
    for (const s of result.skipped)
        lines.push(`  skip  ${s.accountId} ${s.role} ${s.scenario}: ${s.reason}`);
    for (const t of result.cloudtrail)
        lines.push(
            `  trail ${t.accountId} ${t.role}: ${t.events} AssumeRole event(s) in the last hour${t.latest ? `, latest ${t.latest}` : " (CloudTrail can take up to 15 minutes to show new events)"}`,
        );
    return lines;
}

export interface Sink {
    write(text: string): unknown;
}

export async function main(
    argv: readonly string[],
    out: Sink = process.stdout,
    err: Sink = process.stderr,
    credentials: (profile?: string) => AwsCredentialIdentityProvider = (profile) =>
        profile ? fromIni({ profile }) : fromNodeProviderChain(),
    ask: (question: string) => Promise<string> = askLine,
): Promise<number> {
    let options: VerifyCliOptions;
    try {
        const parsed = parseArgs(argv);
        if (parsed === "help") {
            out.write(`${USAGE}\n`);
            return 0;
        }
        options = parsed;
        const { region, sessionSeconds, targets } = targetsOf(options);
        const guardrails = securityHasGuardrails(options);
        const result = await verify({
            region: options.region ?? region,
            targets,
            credentials: credentials(options.profile),
            mfaSerial: options.mfaSerial,
            tokenCode: options.tokenCode,
            externalId: options.externalId,
            sessionSeconds,
            ...(guardrails
                ? {
                      organization: {
                          credentials: options.orgProfile
                              ? credentials(options.orgProfile)
                              : undefined,
                      },
                  }
                : {}),
            ...(options.awsLogin
                ? {
                      credentialKind: "aws-login" as const,
                      nextTokenCode: async (account: string) => {
                          const code = await ask(
                              `MFA code for ${account} (a new one; STS accepts each code once): `,
                          );
                          if (!/^\d{6}$/.test(code))
                              throw new UsageError("an MFA code is the 6 digits your device shows");
                          return code;
                      },
                  }
                : {}),
        });
        out.write(
            options.json
                ? `${JSON.stringify({ stack: options.stack, ...result }, null, 2)}\n`
                : `${toLines(result).join("\n")}\n`,
        );
        if (options.report) {
            const [plan] = await runPlan({
                stacks: [options.stack],
                configFile: options.configFile,
            });
            fs.writeFileSync(
                options.report,
                renderReport({
                    title: "org-access access evidence (verified against AWS)",
                    source: `npm run verify -- ${argv.join(" ")}`.replace(
                        /--token-code[= ]\d+/,
                        "--token-code ******",
                    ),
                    policyPackRan: false,
                    stacks: [
                        {
                            stack: options.stack,
                            model: plan.model,
                            evidence: result.evidence,
                            resourceCount: plan.result.resources.length,
                        },
                    ],
                }),
            );
        }
        return mismatches(result.evidence).length > 0 ? 1 : 0;
    } catch (e) {
        if (e instanceof UsageError) {
            err.write(`error: ${e.message}\n\n${USAGE}\n`);
            return 2;
        }
        if (
            e instanceof VerifyPrerequisiteError ||
            e instanceof ConfigError ||
            e instanceof StackFileError
        ) {
            err.write(`${e.message}\n`);
            return 2;
        }
        if (e instanceof Error && e.name === "CredentialsProviderError") {
            err.write(`no usable AWS credentials: ${e.message}\n`);
            return 2;
        }
        const code = (e as { code?: string }).code;
        if (
            e instanceof Error &&
            (e.name === "TimeoutError" ||
                ["ENOTFOUND", "ECONNREFUSED", "ETIMEDOUT", "EAI_AGAIN"].includes(code ?? ""))
        ) {
            err.write(`cannot reach AWS (${code ?? e.name}): check the network and --region\n`);
            return 2;
        }
        err.write(`error: ${(e as Error).message ?? String(e)}\n`);
        return 1;
    }
}

if (require.main === module) {
    main(process.argv.slice(2)).then((code) => {
        process.exitCode = code;
    });
}

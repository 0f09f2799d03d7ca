// `npx org-access verify --stack workload [--profile P] [--mfa-serial ARN --token-code CODE | --external-id ID]`
// (`npm run verify -- ...` is an alias)
//
// Proves, against real AWS and after `pulumi up`, what the offline evidence matrix simulates.
// This file is the command: arguments, targets from the stack file, rendering; verify/run.ts talks
// to AWS. Exit codes (cli/exitCodes.ts): 0 every scenario as expected; 1 a scenario is not; 2
// missing credentials or permissions, a missing deploy prerequisite (SCPs not enabled), invalid
// config or usage.
import { fromIni, fromNodeProviderChain } from "@aws-sdk/credential-providers";
import * as fs from "fs";
import * as path from "path";
import * as readline from "readline";
import {
    auditRoleArn,
    decodeValues,
    rawStackValues,
    partitionOf,
    readStackFile,
    stackFilePath,
    validateSecurityConfig,
    validateWorkloadConfig,
} from "../config";
import {
    defineCommand,
    runCommand,
    Sink,
    start,
    STDIO,
    stackOption,
    UsageError,
} from "../cli/command";
import { adminExemptionsOf, renderReport, reportStackOf } from "../evidence/report";
import { configFilesOf, currentProvenance } from "../evidence/provenance";
import { checkReportTarget, writeReport } from "../evidence/reportFile";
import { paletteFor } from "../cli/colour";
import { count, verdictLine } from "../cli/verdict";
import { mismatches } from "../evidence/simulate";
import { DEFAULT_POLICY_CONFIG, runPlan } from "../plan/offline";
import { toLines } from "./render";
import {
    AuthorizationPolicyType,
    AwsCredentialIdentityProvider,
    verify,
    VerifyTarget,
} from "./run";

export const USAGE = `usage: npx org-access verify [-s STACK] [--profile NAME] [--aws-login] [--region REGION] [--accounts a,b]
                           [--mfa-serial ARN --token-code CODE | --external-id ID] [--json] [--report FILE.md]
                           [--security-config-file PATH] [--org-profile NAME]

Runs the evidence scenarios against real AWS with your own credentials, after pulumi up:
first, when the security stack attaches SCPs or RCPs, that the SERVICE_CONTROL_POLICY (and
RESOURCE_CONTROL_POLICY) type is enabled on the organization's root (organizations:ListRoots), and
when it centralizes root access, that IAM has trusted access and RootCredentialsManagement and
RootSessions are on (organizations:ListAWSServiceAccessForOrganization,
iam:ListOrganizationsFeatures); then real sts:AssumeRole attempts (without
MFA, with MFA, or with right/wrong/no ExternalId), the role's permissions through
iam:SimulatePrincipalPolicy, and the AssumeRole events in CloudTrail. It only reads and assumes
roles; it never writes to AWS.

  -s, --stack STACK    workload stack whose accounts to verify (default workload; also ORG/STACK or
                       ORG/PROJECT/STACK, as pulumi --stack takes it)
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
                       the security stack file whose guardrails, resourceControlPolicies and
                       rootAccess decide the SCP, RCP and root access checks (default
                       Pulumi.security.yaml; no file or none of those keys: no check)
  --org-profile NAME   profile for the organization checks (ListRoots, trusted access, root access
                       features, IAM's delegated administrators): the management account or a
                       delegated administrator (default: --profile)
  --json               print only JSON on stdout (an error: {"error": {"message", "exitCode", "problems"}}):
                       {"stack", "organization", "rootAccess", "caller", "evidence": [...], "skipped": [...], "cloudtrail": [...]}
  --report FILE.md     write the same report as the offline plan, with these verdicts

The last line says ok or failed, with the scenarios counted (not with --json).
npm run verify -- ARGS is the same command.

Exit codes: 0 every scenario as expected; 1 one is not, or centralized root access is not on,
or IAM has a delegated administrator;
2 missing credentials or permissions,
SCPs not enabled on the root, bad config or usage.`;

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

export const command = defineCommand({
    usage: USAGE,
    invocation: "npx org-access verify",
    options: {
        stack: { type: "string", short: "s", default: "workload" },
        "config-file": { type: "string" },
        profile: { type: "string" },
        "aws-login": { type: "boolean" },
        region: { type: "string" },
        accounts: { type: "string" },
        "mfa-serial": { type: "string" },
        "token-code": { type: "string" },
        "external-id": { type: "string" },
        json: { type: "boolean" },
        report: { type: "string" },
        "security-config-file": { type: "string" },
        "org-profile": { type: "string" },
    },
    build(v): VerifyCliOptions {
        const stack = stackOption(v.stack, ["workload"]).name;
        if ((v["mfa-serial"] === undefined) !== (v["token-code"] === undefined))
            throw new UsageError("--mfa-serial and --token-code go together");
        if (v["token-code"] !== undefined && !/^\d{6}$/.test(v["token-code"]))
            throw new UsageError("--token-code must be the 6 digits your MFA device shows");
        if (v["external-id"] !== undefined && v["mfa-serial"] !== undefined)
            throw new UsageError(
                "use --external-id (a program) or --mfa-serial (a human), not both",
            );
        if (v["aws-login"] && v["external-id"] !== undefined)
            throw new UsageError(
                "--aws-login is for people; programs use --external-id with their own keys",
            );
        return {
            stack,
            json: v.json ?? false,
            configFile: v["config-file"],
            profile: v.profile,
            region: v.region,
            accounts: v.accounts
                ?.split(",")
                .map((s) => s.trim())
                .filter(Boolean),
            mfaSerial: v["mfa-serial"],
            tokenCode: v["token-code"],
            externalId: v["external-id"],
            report: v.report,
            awsLogin: v["aws-login"],
            securityConfigFile: v["security-config-file"],
            orgProfile: v["org-profile"],
        };
    },
});

/** The command line as options; "help" for --help. Throws UsageError. */
export function parseArgs(argv: readonly string[]): VerifyCliOptions | "help" {
    return command.parse(argv);
}

/**
 * Whether the security stack attaches SCPs: read from its stack file with the program's own
 * schema. No file (a workload-only checkout) means no check, unless the file was named.
 */
export function securityHasGuardrails(
    options: Pick<VerifyCliOptions, "securityConfigFile">,
): boolean {
    return securityPolicyTypes(options).includes("SERVICE_CONTROL_POLICY");
}

/** Whether the security stack centralizes root access, so verify checks that it is on. */
export function securityCentralizesRootAccess(
    options: Pick<VerifyCliOptions, "securityConfigFile">,
): boolean {
    return securitySettings(options)?.rootAccess === "centralized";
}

/**
 * The Organizations policy types the security stack attaches: SCPs with guardrails, RCPs with
 * resourceControlPolicies; each must be enabled on the root.
 */
export function securityPolicyTypes(
    options: Pick<VerifyCliOptions, "securityConfigFile">,
): AuthorizationPolicyType[] {
    const cfg = securitySettings(options);
    if (cfg === undefined) return [];
    return [
        ...(cfg.guardrails !== undefined ? ["SERVICE_CONTROL_POLICY" as const] : []),
        ...(cfg.resourceControlPolicies !== undefined ? ["RESOURCE_CONTROL_POLICY" as const] : []),
    ];
}

function securitySettings(options: Pick<VerifyCliOptions, "securityConfigFile">) {
    const file = options.securityConfigFile ?? stackFilePath("security");
    if (options.securityConfigFile === undefined && !fs.existsSync(file)) return undefined;
    const { config } = readStackFile(file);
    return validateSecurityConfig(rawStackValues(decodeValues(config)), "security");
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
    const cfg = validateWorkloadConfig(rawStackValues(decodeValues(config)), options.stack);
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

export function main(
    argv: readonly string[],
    out: Sink = STDIO.out,
    err: Sink = STDIO.err,
    credentials: (profile?: string) => AwsCredentialIdentityProvider = (profile) =>
        profile ? fromIni({ profile }) : fromNodeProviderChain(),
    ask: (question: string) => Promise<string> = askLine,
): Promise<number> {
    return runCommand(command, argv, { out, err }, async (options) => {
        // Refused before any AWS call, not after the run.
        if (options.report !== undefined) checkReportTarget(options.report);
        const { region, sessionSeconds, targets } = targetsOf(options);
        const policyTypes = securityPolicyTypes(options);
        const callerCredentials = credentials(options.profile);
        const orgCredentials = options.orgProfile ? credentials(options.orgProfile) : undefined;
        const result = await verify({
            region: options.region ?? region,
            targets,
            credentials: callerCredentials,
            mfaSerial: options.mfaSerial,
            tokenCode: options.tokenCode,
            externalId: options.externalId,
            sessionSeconds,
            ...(policyTypes.length > 0
                ? { organization: { credentials: orgCredentials, policyTypes } }
                : {}),
            ...(securityCentralizesRootAccess(options)
                ? { rootAccess: { credentials: orgCredentials } }
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
            // Planned from the files the check used: the workload file it read its targets from,
            // and the security file its SCP, RCP and root access checks came from. The folder of
            // that security file is the project whose workload files the security stack reads.
            const workloadFile = options.configFile ?? stackFilePath(options.stack);
            const securityFile = options.securityConfigFile ?? stackFilePath("security");
            const folder = path.dirname(path.resolve(securityFile));
            const [plan] = await runPlan({
                stacks: [options.stack],
                configFile: workloadFile,
                securityConfigFile: securityFile,
                root: folder,
            });
            // The same provenance as the plan's, and who it ran as where: dated reports in a
            // folder (--report DIR/) are the evidence over time (evidence/reportFile.ts).
            const provenance = currentProvenance({
                command: `npx org-access verify ${argv.join(" ")}`,
                files: configFilesOf({
                    folder,
                    given: [workloadFile, securityFile],
                    policyConfig: DEFAULT_POLICY_CONFIG,
                }),
                caller: result.caller,
                region: options.region ?? region,
            });
            const written = writeReport(
                options.report,
                "verify",
                provenance.generatedAt,
                renderReport({
                    title: "org-access access evidence (verified against AWS)",
                    source: provenance.command,
                    provenance,
                    policyPackRan: false,
                    adminExemptions: adminExemptionsOf(plan.packConfig),
                    stacks: [
                        {
                            ...reportStackOf(plan),
                            evidence: result.evidence,
                            proofs: undefined,
                            violations: undefined,
                        },
                    ],
                }),
            );
            if (!options.json) out.write(`report written to ${written}\n`);
        }
        const failed = mismatches(result.evidence).length;
        const rootProblems =
            (result.rootAccess?.missing.length ?? 0) +
            (result.rootAccess?.iamDelegatedAdministrators.length ?? 0);
        if (!options.json)
            out.write(
                `${verdictLine(
                    failed === 0 && rootProblems === 0,
                    [
                        count(targets.length, "account"),
                        `${result.evidence.length - failed}/${result.evidence.length} scenarios`,
                        ...(result.skipped.length > 0 ? [`${result.skipped.length} skipped`] : []),
                        ...(rootProblems > 0 ? [count(rootProblems, "root access problem")] : []),
                    ],
                    paletteFor(out),
                )}\n`,
            );
        return failed > 0 || rootProblems > 0 ? 1 : 0;
    });
}

if (require.main === module) start(main);

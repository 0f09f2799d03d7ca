// The evidence matrix: fixed scenarios, each with a fixed expectation, simulated against the real
// generated documents with the project's one IAM evaluator (policypack/iam). This module poses the
// requests, picks the policies that apply (SCPs by account, the role's trust, the caller's identity
// policies) and words the outcome; authorize() in policypack/iam/authorize.ts combines them.
//
// Cross-account access needs both sides: the caller's identity policies and the role's trust
// policy must allow, and no explicit Deny (identity, trust, service control policies) may match.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
// So a scenario expected to be allowed is simulated with both sides. A scenario expected to be
// denied asks a stricter question: does the role's own trust policy stop the caller, even one whose
// identity policies allow everything? A workload account cannot rely on the security account's
// Deny-without-MFA, which an administrator there could remove; its trust policy must hold alone.
import {
    Authorization,
    authorize,
    awsPrincipalFromArn,
    FULL_AWS_ACCESS,
    NamedPolicy,
    parseIpRange,
    PolicyType,
    RCP_FULL_AWS_ACCESS,
    RequestContext,
    RequestPrincipal,
    statementLabel,
    statementMatchesAction,
    statementMatchesPrincipal,
} from "../policypack/iam";
import {
    AUDIT_ROLE_STACK_SET_TYPE,
    AUDIT_ROLE_TYPE,
    BREAK_GLASS_ROLE_TYPE,
    INCIDENT_RESPONSE_ROLE_TYPE,
    LOG_ARCHIVE_ADMIN_ROLE_TYPE,
} from "../policypack/componentTypes";
import { formatIp } from "../policypack/iam/conditions";
import {
    arn,
    assumedRoleArn,
    iamRoleArn,
    iamUserArn,
    logGroupArn,
    s3ObjectArn,
} from "../policypack/iam/arn";
import {
    AccessModel,
    assumeRequestContext,
    PERMISSION_SET_ROLE_PREFIX,
    PrincipalModel,
    principalOrgContext,
    principalTagsOf,
    RoleModel,
} from "./model";

export type Verdict = "allowed" | "denied";

export interface EvidenceEntry {
    readonly accountId: string;
    readonly role: string;
    readonly scenario: string;
    readonly expected: Verdict;
    readonly simulated: Verdict;
    /** The deciding statement, or why nothing allowed. */
    readonly reason: string;
}

/** Scenario ids and what each asks. The first five ids are fixed by the project's evidence contract. */
export const SCENARIOS = {
    "assume-without-mfa": "a designated human of the security account assumes the role without MFA",
    "assume-with-mfa":
        "a designated human of the security account assumes the role with recent MFA",
    "assume-from-outside-account":
        "a principal outside the organization's security account, with MFA, assumes the role",
    "read-action": "the role's session calls ec2:DescribeInstances",
    "iam-write": "the role's session calls iam:CreateUser",
    "assume-with-stale-mfa":
        "a designated human assumes the role with MFA older than the role accepts",
    "assume-undesignated-principal":
        "an undesignated user of the security account, with MFA, assumes the role",
    "assume-programmatic-external-id": "a designated program assumes the role with its ExternalId",
    "assume-programmatic-wrong-external-id":
        "a designated program assumes the role with a wrong ExternalId",
    "assume-programmatic-no-external-id":
        "a designated program assumes the role without an ExternalId",
    "assume-programmatic-outside-network":
        "a designated program, with its ExternalId, assumes the role from a public address outside its sourceIps and through none of its sourceVpces",
    "data-read-s3": "the role's session calls s3:GetObject",
    "data-read-secret": "the role's session calls secretsmanager:GetSecretValue",
    "data-read-logs": "the role's session calls logs:GetLogEvents",
    "data-read-db-log":
        "the role's session calls rds:DownloadDBLogFilePortion, which SecurityAudit itself grants",
    "assume-by-other-duty":
        "an auditor, with MFA, assumes a role of another duty (segregation of duties)",
    "admin-write": "the role's session calls iam:PutRolePolicy on an application role",
} as const;

export type ScenarioId = keyof typeof SCENARIOS;

/** What each kind of role must show. Roles of other kinds are only checked for who can assume them. */
const AUDIT_EXPECTATIONS: Partial<Record<ScenarioId, Verdict>> = {
    "assume-without-mfa": "denied",
    "assume-with-mfa": "allowed",
    "assume-from-outside-account": "denied",
    "read-action": "allowed",
    "iam-write": "denied",
    "assume-with-stale-mfa": "denied",
    "assume-undesignated-principal": "denied",
    "assume-programmatic-external-id": "allowed",
    "assume-programmatic-wrong-external-id": "denied",
    "assume-programmatic-no-external-id": "denied",
    "assume-programmatic-outside-network": "denied",
    "data-read-s3": "denied",
    "data-read-secret": "denied",
    "data-read-logs": "denied",
    "data-read-db-log": "denied",
};

/** Every duty role (incident response, break-glass, log-archive admin): its own people, fresh MFA, nobody else. */
const DUTY_ASSUME_EXPECTATIONS: Partial<Record<ScenarioId, Verdict>> = {
    "assume-without-mfa": "denied",
    "assume-with-mfa": "allowed",
    "assume-with-stale-mfa": "denied",
    "assume-from-outside-account": "denied",
    "assume-undesignated-principal": "denied",
    "assume-by-other-duty": "denied",
};

export const EXPECTATIONS: Record<string, Partial<Record<ScenarioId, Verdict>>> = {
    [AUDIT_ROLE_TYPE]: AUDIT_EXPECTATIONS,
    // The same role, deployed by CloudFormation in StackSet mode.
    [AUDIT_ROLE_STACK_SET_TYPE]: AUDIT_EXPECTATIONS,
    [INCIDENT_RESPONSE_ROLE_TYPE]: {
        ...DUTY_ASSUME_EXPECTATIONS,
        "iam-write": "denied",
        "admin-write": "denied",
        "data-read-secret": "denied",
    },
    [BREAK_GLASS_ROLE_TYPE]: {
        ...DUTY_ASSUME_EXPECTATIONS,
        // Break-glass is admin by design; the evidence shows it, and its alarm is what guards it.
        // (Creating IAM users stays denied wherever the no-long-lived-credentials SCP applies.)
        "admin-write": "allowed",
    },
    // The log-archive admin role: the break-glass users only, for the log bucket and key alone.
    [LOG_ARCHIVE_ADMIN_ROLE_TYPE]: {
        ...DUTY_ASSUME_EXPECTATIONS,
        "iam-write": "denied",
        "admin-write": "denied",
        "data-read-s3": "denied",
    },
};

/** The designated humans of each kind of role: who the "designated human" scenarios speak for. */
function designatedHumans(model: AccessModel, role: RoleModel): readonly string[] {
    switch (role.componentType) {
        case INCIDENT_RESPONSE_ROLE_TYPE:
            return model.trusted.incidentResponderArns ?? [];
        case BREAK_GLASS_ROLE_TYPE:
        case LOG_ARCHIVE_ADMIN_ROLE_TYPE:
            return model.trusted.breakGlassArns ?? [];
        default:
            return model.trusted.humanArns;
    }
}

/** Tags as the aws:PrincipalTag/<key> of a request. */
function ownTags(tags: Record<string, string>): Record<string, string> {
    return Object.fromEntries(Object.entries(tags).map(([k, v]) => [`aws:PrincipalTag/${k}`, v]));
}

/** For roles no human may assume (service roles): nobody from the security account or outside gets in. */
const DEFAULT_EXPECTATIONS: Partial<Record<ScenarioId, Verdict>> = {
    "assume-without-mfa": "denied",
    "assume-with-mfa": "denied",
    "assume-from-outside-account": "denied",
    "assume-undesignated-principal": "denied",
};

/** A principal outside every account the program knows; the documentation id AWS never assigns. */
export const OUTSIDE_ACCOUNT = "210987654321";
const MFA = {
    "aws:MultiFactorAuthPresent": "true",
    "aws:MultiFactorAuthAge": "300",
    "aws:SecureTransport": "true",
};
const NO_MFA = { "aws:SecureTransport": "true" };
/** Every signed request carries the region it is sent to. */
const inRegion = (model: AccessModel, context: Record<string, string>) => ({
    ...context,
    "aws:RequestedRegion": model.region,
});

interface Outcome {
    readonly verdict: Verdict;
    readonly reason: string;
}

/**
 * How to read an attachment to an OU, whose member accounts the plan cannot see. "possibly": it
 * covers every member account, the cautious reading where a Deny could only take away (a request
 * that must be allowed). "surely": it covers none, the cautious reading where a Deny is credited
 * with keeping someone out (a proof that gains from it); only the root and the exact account id
 * count then.
 */
export type OuReading = "possibly" | "surely";

function coversAccount(target: string, accountId: string, reading: OuReading): boolean {
    return (
        target === accountId ||
        target.startsWith("r-") ||
        (reading === "possibly" && target.startsWith("ou-"))
    );
}

/**
 * The SCPs on an account's path, with the FullAWSAccess AWS attaches by default; none for the
 * management account, which SCPs never restrict. OU attachments as `reading` says (OuReading).
 */
export function scpsFor(
    model: AccessModel,
    accountId: string,
    reading: OuReading = "possibly",
): NamedPolicy[] | undefined {
    if (accountId === model.managementAccountId) return undefined;
    const attached = model.scps.filter((s) =>
        s.targets.some((t) => coversAccount(t, accountId, reading)),
    );
    return [...attached, FULL_AWS_ACCESS];
}

/**
 * The RCPs that bind a request to a resource of `resourceAccount`, with the RCPFullAWSAccess AWS
 * attaches wherever RCPs are enabled; none when the plan creates no RCP (the type may not even be
 * enabled), for the management account, whose resources RCPs never restrict, or for a resource
 * of an unknown account. OU attachments as `reading` says (OuReading): a proof that gains from an
 * RCP's Deny (no-outside-principal, logs-immutable) credits only the root's and the account's
 * own. AWS evaluates the RCPs of the resource's account like the SCPs of the caller's: an
 * explicit Deny decides, and they must allow.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
 * https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_evaluation.html
 */
export function rcpsFor(
    model: AccessModel,
    resourceAccount: string | undefined,
    reading: OuReading = "possibly",
): NamedPolicy[] | undefined {
    if (!model.rcps?.length || !resourceAccount) return undefined;
    if (resourceAccount === model.managementAccountId) return undefined;
    const attached = model.rcps.filter((s) =>
        s.targets.some((t) => coversAccount(t, resourceAccount, reading)),
    );
    return [...attached, RCP_FULL_AWS_ACCESS];
}

/** The deciding Deny of one policy type, if that type denied. */
function denyOf(result: Authorization, type: PolicyType): string | undefined {
    return result.denies.find((d) => d.type === type)?.label;
}

/**
 * sts:AssumeRole across accounts. With `bothSides`, the caller's identity policies count; without,
 * the caller is taken to be allowed by its own account and only the trust policy (and SCPs) decide.
 */
function assume(
    model: AccessModel,
    role: RoleModel,
    callerArn: string,
    caller: PrincipalModel | undefined,
    context: Record<string, string>,
    bothSides: boolean,
): Outcome {
    const principal = awsPrincipalFromArn(callerArn) as RequestPrincipal;
    // Every role the program plans is in an account of the organization.
    const request: RequestContext = {
        principal,
        action: "sts:AssumeRole",
        resource: role.arn,
        context: inRegion(model, {
            ...assumeRequestContext(model, callerArn, true),
            ...principalOrgContext(model, callerArn.split(":")[4]),
            ...context,
        }),
    };
    const callerAccount = callerArn.split(":")[4];
    const result = authorize(request, {
        // An expected-denied question credits only the SCPs surely on the caller's path.
        scps: scpsFor(model, callerAccount, bothSides ? "possibly" : "surely"),
        // The RCPs of the role's account count where access must work (the organization's own
        // people, both sides): an RCP that stopped them would make the scenario fail. A scenario
        // expected to be denied asks whether the trust policy holds alone, as below: the RCPs
        // would answer for a trust policy that lets an outsider in.
        rcps: bothSides ? rcpsFor(model, role.accountId) : undefined,
        identity: caller && bothSides ? caller.identity : undefined,
        trust: { label: "trust policy", doc: role.trust },
    });
    if (result.decision === "ExplicitDeny") {
        const deny =
            denyOf(result, "scp") ??
            denyOf(result, "rcp") ??
            denyOf(result, "identity") ??
            denyOf(result, "trust");
        return { verdict: "denied", reason: `explicit deny: ${deny}` };
    }
    if (result.missing === "trust")
        return { verdict: "denied", reason: whyTrustDenies(role, principal) };
    if (result.missing === "identity")
        return {
            verdict: "denied",
            reason: `no identity policy of ${caller?.userName} allows sts:AssumeRole on ${role.arn}`,
        };
    if (result.decision !== "Allow")
        return { verdict: "denied", reason: `no ${result.missing} allows sts:AssumeRole` };
    const allowedBy = (type: PolicyType) => result.allows.find((a) => a.type === type)?.label;
    const side =
        caller && bothSides
            ? ` and ${allowedBy("identity")}`
            : " (the caller's identity policies taken to allow)";
    return { verdict: "allowed", reason: `allowed by ${allowedBy("trust")}${side}` };
}

/** Names the trust statements that name the caller but whose conditions fail, or says none names it. */
function whyTrustDenies(role: RoleModel, principal: RequestPrincipal): string {
    const near = role.trust.statements.filter(
        (st) =>
            st.effect === "Allow" &&
            statementMatchesAction(st, "sts:AssumeRole") &&
            statementMatchesPrincipal(st, principal),
    );
    if (near.length === 0) return "no trust policy statement names this caller (implicit deny)";
    const conditions = near.map(
        (st) =>
            `${statementLabel(st)} names the caller but its conditions (${st.conditions.map((c) => `${c.operator} ${c.key}`).join(", ")}) are not met`,
    );
    return `trust policy ${conditions.join("; ")} (implicit deny)`;
}

/** The account of a resource its ARN names, else (an S3 bucket or object) the role's own. */
function resourceAccountOf(resource: string, fallback: string): string {
    const account = resource.split(":")[4];
    return account && /^\d{12}$/.test(account) ? account : fallback;
}

/** An action by the role's own session. */
function act(
    reading: OuReading,
    model: AccessModel,
    role: RoleModel,
    action: string,
    resource: string,
): Outcome {
    const principal: RequestPrincipal = {
        type: "aws",
        kind: "assumed-role",
        arn: assumedRoleArn(model.partition, role.accountId, role.name, "evidence"),
        account: role.accountId,
        partition: model.partition,
        name: "evidence",
        roleArn: role.arn,
    };
    const request: RequestContext = {
        principal,
        action,
        resource,
        context: inRegion(model, { ...MFA, ...principalOrgContext(model, role.accountId) }),
    };
    const result = authorize(request, {
        scps: scpsFor(model, role.accountId, reading),
        rcps: rcpsFor(model, resourceAccountOf(resource, role.accountId), reading),
        identity: role.identity,
    });
    // Every explicit Deny decides; the role's own is named first, then any SCP or RCP that also denies.
    const own = denyOf(result, "identity");
    const scp = denyOf(result, "scp") ?? denyOf(result, "rcp");
    if (own)
        return { verdict: "denied", reason: `explicit deny: ${own}${scp ? `; also ${scp}` : ""}` };
    if (scp) return { verdict: "denied", reason: `explicit deny: ${scp}` };
    if (result.decision === "Allow")
        return {
            verdict: "allowed",
            reason: `allowed by ${result.allows.find((a) => a.type === "identity")?.label}`,
        };
    if (result.missing !== "identity")
        return { verdict: "denied", reason: `no ${result.missing} allows ${action}` };
    const unknown = role.unknownManaged.length
        ? ` (not simulated: ${role.unknownManaged.join(", ")})`
        : "";
    return { verdict: "denied", reason: `no identity policy allows ${action}${unknown}` };
}

type Reporter = AccessModel["trusted"]["reporters"][number];

/**
 * The network keys of a request from inside a program's allowed networks: the first address of its
 * first CIDR block, or else its first VPC endpoint (a call through an endpoint carries no
 * aws:SourceIp). Nothing for a program without network conditions.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourcevpce
 */
export function insideNetwork(reporter: Reporter): Record<string, string> {
    const range = reporter.sourceIps?.length ? parseIpRange(reporter.sourceIps[0]) : undefined;
    if (range) return { "aws:SourceIp": formatIp(range.start, range.v6) };
    if (reporter.sourceVpces?.length) return { "aws:SourceVpce": reporter.sourceVpces[0] };
    return {};
}

/** A public documentation address (RFC 5737, RFC 3849) outside every given block. */
function outsideAddress(blocks: readonly string[]): string {
    const ranges = blocks.flatMap((b) => parseIpRange(b) ?? []);
    const candidates = ["198.51.100.77", "192.0.2.77", "203.0.113.77", "2001:db8:ffff::77"];
    const outside = candidates.find((ip) => {
        const a = parseIpRange(ip)!;
        return !ranges.some((r) => r.v6 === a.v6 && a.start >= r.start && a.end <= r.end);
    });
    // A program allowed from all four gets the first, and the scenario then shows it allowed.
    return outside ?? candidates[0];
}

/** Runs one scenario for one role. Undefined when the scenario cannot be posed (no designated program, say). */
function run(
    model: AccessModel,
    role: RoleModel,
    scenario: ScenarioId,
    expected: Verdict,
): Outcome | undefined {
    const both = expected === "allowed";
    // A Deny may only take away from an expected-allowed answer, and may only be credited with
    // an expected-denied one where it surely applies (OuReading).
    const reading: OuReading = both ? "possibly" : "surely";
    const human = designatedHumans(model, role)[0];
    // Programs are designated for the audit role only.
    const reporter = [undefined, AUDIT_ROLE_TYPE, AUDIT_ROLE_STACK_SET_TYPE].includes(
        role.componentType,
    )
        ? model.trusted.reporters[0]
        : undefined;
    const auditor = model.trusted.humanArns[0];
    const caller = (arn: string) => model.principals.find((p) => p.arn === arn);
    const security = model.securityAccountId ?? human?.split(":")[4] ?? reporter?.arn.split(":")[4];
    // A program pinned to networks calls from inside them, so the ExternalId scenarios test the ExternalId.
    const network = reporter ? insideNetwork(reporter) : {};
    switch (scenario) {
        case "assume-without-mfa":
            return human ? assume(model, role, human, caller(human), NO_MFA, both) : undefined;
        case "assume-with-mfa":
            return human ? assume(model, role, human, caller(human), MFA, both) : undefined;
        case "assume-with-stale-mfa":
            return human
                ? assume(
                      model,
                      role,
                      human,
                      caller(human),
                      {
                          ...MFA,
                          "aws:MultiFactorAuthAge": String(
                              Math.max(86400, role.maxSessionDuration * 24),
                          ),
                      },
                      both,
                  )
                : undefined;
        case "assume-from-outside-account":
            // The outsider sets its own user's tags in its own account: it carries whatever tags
            // the designated people carry, so only the principal and the ARN keep it out.
            return assume(
                model,
                role,
                iamUserArn(model.partition, OUTSIDE_ACCOUNT, "outsider"),
                undefined,
                { ...MFA, ...ownTags(human ? principalTagsOf(model, human) : {}) },
                both,
            );
        case "assume-undesignated-principal":
            return security
                ? assume(
                      model,
                      role,
                      iamUserArn(model.partition, security, "undesignated", "/org-access/"),
                      undefined,
                      MFA,
                      both,
                  )
                : undefined;
        case "assume-programmatic-external-id":
            return reporter
                ? assume(
                      model,
                      role,
                      reporter.arn,
                      caller(reporter.arn),
                      { ...NO_MFA, ...network, "sts:ExternalId": reporter.externalId },
                      both,
                  )
                : undefined;
        case "assume-programmatic-outside-network":
            return reporter && (reporter.sourceIps || reporter.sourceVpces)
                ? assume(
                      model,
                      role,
                      reporter.arn,
                      caller(reporter.arn),
                      {
                          ...NO_MFA,
                          "aws:SourceIp": outsideAddress(reporter.sourceIps ?? []),
                          "sts:ExternalId": reporter.externalId,
                      },
                      both,
                  )
                : undefined;
        case "assume-programmatic-wrong-external-id":
            return reporter
                ? assume(
                      model,
                      role,
                      reporter.arn,
                      caller(reporter.arn),
                      {
                          ...NO_MFA,
                          ...network,
                          "sts:ExternalId": `${reporter.externalId}-wrong`,
                      },
                      both,
                  )
                : undefined;
        case "assume-programmatic-no-external-id":
            return reporter
                ? assume(
                      model,
                      role,
                      reporter.arn,
                      caller(reporter.arn),
                      { ...NO_MFA, ...network },
                      both,
                  )
                : undefined;
        case "assume-by-other-duty":
            return auditor && auditor !== human
                ? assume(model, role, auditor, caller(auditor), MFA, both)
                : undefined;
        case "read-action":
            return act(reading, model, role, "ec2:DescribeInstances", "*");
        case "iam-write":
            return act(
                reading,
                model,
                role,
                "iam:CreateUser",
                iamUserArn(model.partition, role.accountId, "evidence"),
            );
        case "admin-write":
            return act(
                reading,
                model,
                role,
                "iam:PutRolePolicy",
                iamRoleArn(model.partition, role.accountId, "application-role"),
            );
        case "data-read-s3":
            return act(
                reading,
                model,
                role,
                "s3:GetObject",
                s3ObjectArn(model.partition, "evidence-bucket", "evidence-object"),
            );
        case "data-read-secret":
            return act(
                reading,
                model,
                role,
                "secretsmanager:GetSecretValue",
                arn(
                    model.partition,
                    "secretsmanager",
                    model.region,
                    role.accountId,
                    "secret:evidence",
                ),
            );
        case "data-read-logs":
            return act(
                reading,
                model,
                role,
                "logs:GetLogEvents",
                `${logGroupArn(model.partition, model.region, role.accountId, "evidence")}:log-stream:evidence`,
            );
        case "data-read-db-log":
            return act(
                reading,
                model,
                role,
                "rds:DownloadDBLogFilePortion",
                arn(model.partition, "rds", model.region, role.accountId, "db:evidence"),
            );
    }
}

/** The evidence matrix for every role of the model. */
export function evidenceMatrix(model: AccessModel): EvidenceEntry[] {
    const entries: EvidenceEntry[] = [];
    for (const role of model.roles) {
        // The roles IAM Identity Center provisions are the model's (evidence/model.ts): their trust
        // is a stand-in for AWS's SAML trust, so a scenario over it would evidence nothing planned.
        // The proofs cover them (their policies, and who is assigned them); at 1,000 accounts they
        // would add thousands of rows here.
        if (role.name.startsWith(PERMISSION_SET_ROLE_PREFIX)) continue;
        const expectations =
            (role.componentType && EXPECTATIONS[role.componentType]) || DEFAULT_EXPECTATIONS;
        for (const [scenario, expected] of Object.entries(expectations) as [
            ScenarioId,
            Verdict,
        ][]) {
            const outcome = run(model, role, scenario, expected);
            if (!outcome) continue;
            entries.push({
                accountId: role.accountId,
                role: role.name,
                scenario,
                expected,
                simulated: outcome.verdict,
                reason: outcome.reason,
            });
        }
    }
    return entries;
}

export function mismatches(entries: readonly EvidenceEntry[]): EvidenceEntry[] {
    return entries.filter((e) => e.expected !== e.simulated);
}

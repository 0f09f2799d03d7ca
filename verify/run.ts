// Online verification, after `pulumi up`: the same scenarios as the offline evidence matrix, proved
// against real AWS with the caller's own credentials. It only reads and assumes roles; it never
// creates, changes or deletes anything.
//
// - First, when the security stack attaches SCPs (guardrails) or RCPs (resourceControlPolicies),
//   organizations:ListRoots: the SERVICE_CONTROL_POLICY (and RESOURCE_CONTROL_POLICY) type must
//   be ENABLED on the root, or every attachment of that type fails with
//   PolicyTypeNotEnabledException.
// - When the security stack centralizes root access (rootAccess: centralized), that IAM has trusted
//   access in the organization (organizations:ListAWSServiceAccessForOrganization), that both
//   features are on (iam:ListOrganizationsFeatures), and that IAM has no delegated administrator
//   (organizations:ListDelegatedAdministrators): the proofs assume only the management account
//   can call sts:AssumeRoot.
// - Real sts:AssumeRole attempts: without MFA (must fail), with an MFA session (must work), and for
//   programs with the right, a wrong and no ExternalId.
// - The role's permissions through iam:SimulatePrincipalPolicy, called from the role's own session
//   (the audit role may simulate itself), with the MFA context keys present and absent.
// - cloudtrail:LookupEvents in the workload account, for the AssumeRole events just made.
import { CloudTrailClient, LookupEventsCommand } from "@aws-sdk/client-cloudtrail";
import {
    ListAWSServiceAccessForOrganizationCommand,
    ListDelegatedAdministratorsCommand,
    ListRootsCommand,
    OrganizationsClient,
} from "@aws-sdk/client-organizations";
import {
    IAMClient,
    ListOrganizationsFeaturesCommand,
    SimulatePrincipalPolicyCommand,
} from "@aws-sdk/client-iam";
import {
    AssumeRoleCommand,
    GetCallerIdentityCommand,
    GetSessionTokenCommand,
    STSClient,
} from "@aws-sdk/client-sts";
import type { EvidenceEntry, Verdict } from "../evidence/simulate";

/** AWS credentials, as the SDK's credential providers return them. */
export interface AwsCredentialIdentity {
    readonly accessKeyId: string;
    readonly secretAccessKey: string;
    readonly sessionToken?: string;
    readonly expiration?: Date;
}

export type AwsCredentialIdentityProvider = () => Promise<AwsCredentialIdentity>;

export interface VerifyTarget {
    readonly account: string;
    readonly accountId: string;
    readonly roleArn: string;
    readonly roleName: string;
}

export interface VerifyOptions {
    readonly region: string;
    readonly targets: readonly VerifyTarget[];
    /** The caller's credentials: a profile's, or the default chain's. */
    readonly credentials: AwsCredentialIdentityProvider;
    /** For humans: the MFA device and a current code, to prove MFA access. */
    readonly mfaSerial?: string;
    readonly tokenCode?: string;
    /** For programs: the ExternalId to present. */
    readonly externalId?: string;
    /** Session length to request, in seconds. */
    readonly sessionSeconds: number;
    /**
     * Check, before anything else, that SCPs can be attached (the security stack has guardrails).
     * `credentials` must be allowed organizations:ListRoots: the management account's, or a
     * delegated administrator's. Default: the caller's credentials.
     */
    readonly organization?: {
        readonly credentials?: AwsCredentialIdentityProvider;
        /** The policy types the security stack attaches. Default: SCPs only. */
        readonly policyTypes?: readonly AuthorizationPolicyType[];
    };
    /**
     * Check that centralized root access is on (the security stack sets `rootAccess`). The
     * credentials must be the management account's (or IAM's delegated administrator's).
     * Default: the caller's credentials.
     */
    readonly rootAccess?: { readonly credentials?: AwsCredentialIdentityProvider };
    /**
     * How the caller's credentials were obtained. `access-key` (default): long-term keys, so one
     * sts:GetSessionToken with MFA serves every account. `aws-login`: temporary credentials from
     * `aws login`, which cannot call sts:GetSessionToken; each sts:AssumeRole then carries the MFA
     * device and its own code (`tokenCode` for the first, `nextTokenCode` for the others).
     */
    readonly credentialKind?: "access-key" | "aws-login";
    /** With `aws-login`: a fresh MFA code for the next account (STS accepts each code once). */
    readonly nextTokenCode?: (account: string) => Promise<string>;
    /** Clock, for CloudTrail's time window (tests pass a fixed one). */
    readonly now?: () => Date;
}

import { VerifyPrerequisiteError } from "./errors";
import { ROOT_ACCESS_FEATURES } from "../components/rootTasks";
import { arn, iamUserArn, parseArn, PROBE_PARTITION, s3ObjectArn } from "../policypack/iam/arn";
export { VerifyPrerequisiteError };

export interface TrailEvidence {
    readonly accountId: string;
    readonly role: string;
    /** AssumeRole events for the role in the last hour, as CloudTrail's event history shows them. */
    readonly events: number;
    readonly latest?: string;
}

/** The Organizations authorization policy types the security stack may attach. */
export type AuthorizationPolicyType = "SERVICE_CONTROL_POLICY" | "RESOURCE_CONTROL_POLICY";

/** The SCP (and RCP) policy type on each root of the organization, as organizations:ListRoots reports it. */
export interface OrganizationEvidence {
    readonly roots: {
        readonly id: string;
        /** Present when the SCP type was checked (the security stack attaches SCPs). */
        readonly serviceControlPolicies?: string;
        /** Present when the RCP type was checked (the security stack attaches RCPs). */
        readonly resourceControlPolicies?: string;
    }[];
}

/** Centralized root access as the organization reports it. */
export interface RootAccessEvidence {
    /** Whether iam.amazonaws.com has trusted access in the organization. */
    readonly iamTrustedAccess: boolean;
    /** The centralized root access features that are on. */
    readonly enabledFeatures: readonly string[];
    /** What the security stack turns on that is not on: empty when all is well. */
    readonly missing: readonly string[];
    /**
     * The accounts registered as IAM's delegated administrator. The proofs take the management
     * account to be the only one that can call sts:AssumeRoot (this program registers none):
     * any account here breaks that assumption (exit 1).
     */
    readonly iamDelegatedAdministrators: readonly { readonly id: string; readonly name?: string }[];
}

export interface VerifyResult {
    /** Present when the SCP prerequisite was checked (the security stack has guardrails). */
    readonly organization?: OrganizationEvidence;
    /** Present when centralized root access was checked (the security stack sets rootAccess). */
    readonly rootAccess?: RootAccessEvidence;
    readonly caller: { readonly arn: string; readonly account: string };
    readonly evidence: EvidenceEntry[];
    /** Scenarios that could not be posed with the given credentials, and why. */
    readonly skipped: {
        readonly accountId: string;
        readonly role: string;
        readonly scenario: string;
        readonly reason: string;
    }[];
    readonly cloudtrail: TrailEvidence[];
}

const ACCESS_DENIED = new Set(["AccessDenied", "AccessDeniedException", "UnauthorizedOperation"]);

const ENABLE_TYPE = (root: string, type: AuthorizationPolicyType) =>
    `aws organizations enable-policy-type --root-id ${root} --policy-type ${type}`;

/**
 * Read-only: is the SCP policy type ENABLED on every root? Attaching an SCP to a root, OU or
 * account fails with PolicyTypeNotEnabledException otherwise, and enabling it is a one-time step
 * of the management account that the program deliberately does not take.
 * https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListRoots.html
 * https://docs.aws.amazon.com/organizations/latest/APIReference/API_EnablePolicyType.html
 */
export async function checkServiceControlPolicies(
    region: string,
    credentials: AwsCredentialIdentityProvider,
    types: readonly AuthorizationPolicyType[] = ["SERVICE_CONTROL_POLICY"],
): Promise<OrganizationEvidence> {
    const org = new OrganizationsClient({ region, credentials });
    const roots: OrganizationEvidence["roots"] = [];
    let token: string | undefined;
    do {
        let out;
        try {
            out = await org.send(new ListRootsCommand({ NextToken: token }));
        } catch (e) {
            if (isMissingCredentials(e)) throw e;
            const name = (e as Error).name;
            if (isAccessDenied(e))
                throw new VerifyPrerequisiteError(
                    `cannot check that service control policies can be attached: organizations:ListRoots was refused (${(e as Error).message}). Only the management account or a delegated administrator may call it: pass --org-profile with such credentials`,
                );
            if (name === "AWSOrganizationsNotInUseException")
                throw new VerifyPrerequisiteError(
                    "the credentials for the SCP check belong to an account that is not in an organization: pass --org-profile with the management account's credentials",
                );
            throw e;
        }
        for (const r of out.Roots ?? []) {
            const status = (type: AuthorizationPolicyType) =>
                (r.PolicyTypes ?? []).find((t) => t.Type === type)?.Status ?? "NOT_ENABLED";
            roots.push({
                id: r.Id ?? "?",
                ...(types.includes("SERVICE_CONTROL_POLICY")
                    ? { serviceControlPolicies: status("SERVICE_CONTROL_POLICY") }
                    : {}),
                ...(types.includes("RESOURCE_CONTROL_POLICY")
                    ? { resourceControlPolicies: status("RESOURCE_CONTROL_POLICY") }
                    : {}),
            });
        }
        token = out.NextToken;
    } while (token);
    if (roots.length === 0)
        throw new VerifyPrerequisiteError("organizations:ListRoots returned no root");
    // Every type that is off, in one message: enabling each is a one-time step.
    const problems = types.flatMap((type) => {
        const scp = type === "SERVICE_CONTROL_POLICY";
        const statusOf = (r: OrganizationEvidence["roots"][number]) =>
            (scp ? r.serviceControlPolicies : r.resourceControlPolicies) ?? "NOT_ENABLED";
        const off = roots.filter((r) => statusOf(r) !== "ENABLED");
        if (off.length === 0) return [];
        return [
            `the ${type} policy type is not enabled on ${off.map((r) => `root ${r.id} (${statusOf(r)})`).join(", ")}, so attaching the ${scp ? "guardrails' SCPs" : "resource control policies"} would fail with PolicyTypeNotEnabledException. Enable it once, from the management account: ${off.map((r) => ENABLE_TYPE(r.id, type)).join("; ")}${off.some((r) => statusOf(r) === "PENDING_ENABLE") ? " (PENDING_ENABLE: wait a minute and run verify again)" : ""}`,
        ];
    });
    if (problems.length > 0) throw new VerifyPrerequisiteError(problems.join("; and "));
    return { roots };
}

/**
 * Read-only: does IAM have trusted access in the organization, and are RootCredentialsManagement
 * and RootSessions on? What is off is reported in `missing` (the control is not in place: exit 1),
 * with the command that turns it on; a refusal to read is a missing prerequisite (exit 2).
 * https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListAWSServiceAccessForOrganization.html
 * https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListOrganizationsFeatures.html
 */
export async function checkCentralizedRootAccess(
    region: string,
    credentials: AwsCredentialIdentityProvider,
): Promise<RootAccessEvidence> {
    const refused = (e: unknown, action: string) => {
        if (isMissingCredentials(e)) return e;
        if (isAccessDenied(e))
            return new VerifyPrerequisiteError(
                `cannot check centralized root access: ${action} was refused (${(e as Error).message}). Only the management account (or IAM's delegated administrator) may call it: pass --org-profile with such credentials`,
            );
        // The credentials are of a member account (IAM: only the management account or its
        // delegated administrator may ask) or of an account in no organization: the wrong
        // credentials, not a control that is off.
        // https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListOrganizationsFeatures.html
        // https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListDelegatedAdministrators.html
        if (e instanceof Error && WRONG_ACCOUNT.has(e.name))
            return new VerifyPrerequisiteError(
                `cannot check centralized root access: ${action} answered ${e.name} (${e.message}): these credentials are not the management account's. Pass --org-profile with the management account's credentials`,
            );
        return e;
    };
    const org = new OrganizationsClient({ region, credentials });
    const principals: string[] = [];
    let token: string | undefined;
    do {
        let out;
        try {
            out = await org.send(
                new ListAWSServiceAccessForOrganizationCommand({ NextToken: token }),
            );
        } catch (e) {
            throw refused(e, "organizations:ListAWSServiceAccessForOrganization");
        }
        for (const p of out.EnabledServicePrincipals ?? [])
            if (p.ServicePrincipal) principals.push(p.ServicePrincipal);
        token = out.NextToken;
    } while (token);
    let enabledFeatures: string[];
    try {
        const out = await new IAMClient({ region, credentials }).send(
            new ListOrganizationsFeaturesCommand({}),
        );
        enabledFeatures = [...(out.EnabledFeatures ?? [])];
    } catch (e) {
        // IAM answers OrganizationNotInAllFeaturesModeException or
        // ServiceAccessNotEnabledException when the prerequisites are missing: reported below.
        const name = (e as Error).name;
        if (
            name === "ServiceAccessNotEnabledException" ||
            name === "OrganizationNotInAllFeaturesModeException"
        )
            enabledFeatures = [];
        else throw refused(e, "iam:ListOrganizationsFeatures");
    }
    // IAM's delegated administrator may call sts:AssumeRoot too, from principals this program
    // neither plans nor proves anything about.
    // https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoot.html
    const iamDelegatedAdministrators: { id: string; name?: string }[] = [];
    token = undefined;
    do {
        let out;
        try {
            out = await org.send(
                new ListDelegatedAdministratorsCommand({
                    ServicePrincipal: "iam.amazonaws.com",
                    NextToken: token,
                }),
            );
        } catch (e) {
            throw refused(e, "organizations:ListDelegatedAdministrators");
        }
        for (const a of out.DelegatedAdministrators ?? [])
            if (a.Id)
                iamDelegatedAdministrators.push({ id: a.Id, ...(a.Name ? { name: a.Name } : {}) });
        token = out.NextToken;
    } while (token);
    const iamTrustedAccess = principals.includes("iam.amazonaws.com");
    const missing = [
        ...(iamTrustedAccess
            ? []
            : [
                  "trusted access for IAM (aws organizations enable-aws-service-access --service-principal iam.amazonaws.com)",
              ]),
        ...ROOT_ACCESS_FEATURES.filter((f) => !enabledFeatures.includes(f)).map(
            (f) =>
                `${f} (aws iam ${f === "RootSessions" ? "enable-organizations-root-sessions" : "enable-organizations-root-credentials-management"}, or pulumi up)`,
        ),
    ];
    return { iamTrustedAccess, enabledFeatures, missing, iamDelegatedAdministrators };
}

/**
 * Why a delegated administrator for IAM fails verification, and what to do: the proofs hold only
 * while the management account alone can open a root session.
 */
export function delegatedAdministratorProblem(a: { id: string; name?: string }): string {
    return `account ${a.id}${a.name ? ` (${a.name})` : ""} is IAM's delegated administrator, so its principals may call sts:AssumeRoot in every member account, outside what the proofs check (they assume the management account alone can). Deregister it (aws organizations deregister-delegated-administrator --account-id ${a.id} --service-principal iam.amazonaws.com), or review who in ${a.id} may call sts:AssumeRoot`;
}

/** Errors of a caller that is not the management account, or not in an organization. */
const WRONG_ACCOUNT = new Set([
    "AccountNotManagementOrDelegatedAdministratorException",
    "OrganizationNotFoundException",
    "AWSOrganizationsNotInUseException",
]);

function isAccessDenied(e: unknown): boolean {
    return e instanceof Error && ACCESS_DENIED.has(e.name);
}

function isMissingCredentials(e: unknown): boolean {
    return (
        e instanceof Error &&
        (e.name === "CredentialsProviderError" ||
            /Could not load credentials|Unable to locate credentials/i.test(e.message))
    );
}

function fixed(c: AwsCredentialIdentity): AwsCredentialIdentityProvider {
    return async () => c;
}

/** One AssumeRole attempt: allowed (with the session's credentials) or denied (with AWS's message). */
async function attempt(
    region: string,
    credentials: AwsCredentialIdentityProvider,
    input: {
        roleArn: string;
        sessionName: string;
        seconds: number;
        externalId?: string;
        /** MFA device and code sent with the request itself: the trust then sees MFA present. */
        serialNumber?: string;
        tokenCode?: string;
    },
): Promise<{ verdict: Verdict; reason: string; session?: AwsCredentialIdentity }> {
    const sts = new STSClient({ region, credentials });
    try {
        const out = await sts.send(
            new AssumeRoleCommand({
                RoleArn: input.roleArn,
                RoleSessionName: input.sessionName,
                DurationSeconds: input.seconds,
                ExternalId: input.externalId,
                ...(input.serialNumber
                    ? { SerialNumber: input.serialNumber, TokenCode: input.tokenCode }
                    : {}),
            }),
        );
        const c = out.Credentials;
        if (!c?.AccessKeyId || !c.SecretAccessKey)
            throw new Error("sts:AssumeRole returned no credentials");
        return {
            verdict: "allowed",
            reason: `sts:AssumeRole succeeded as ${out.AssumedRoleUser?.Arn ?? "?"}`,
            session: {
                accessKeyId: c.AccessKeyId,
                secretAccessKey: c.SecretAccessKey,
                sessionToken: c.SessionToken,
                expiration: c.Expiration,
            },
        };
    } catch (e) {
        if (isAccessDenied(e))
            return {
                verdict: "denied",
                reason: `sts:AssumeRole was refused: ${(e as Error).message}`,
            };
        throw e;
    }
}

/**
 * The target's partition, from the role ARN the target is reached by: a GovCloud or China account's
 * resources are `arn:aws-us-gov:`/`arn:aws-cn:` ARNs, and a commercial ARN simulated against its
 * role's policies would match none of their statements.
 */
function partitionOfTarget(t: VerifyTarget): string {
    return parseArn(t.roleArn)?.partition || PROBE_PARTITION;
}

const PERMISSION_SCENARIOS: readonly {
    scenario: string;
    action: string;
    resource: (t: VerifyTarget) => string;
    expected: Verdict;
}[] = [
    {
        scenario: "read-action",
        action: "ec2:DescribeInstances",
        resource: () => "*",
        expected: "allowed",
    },
    {
        scenario: "iam-write",
        action: "iam:CreateUser",
        resource: (t) => iamUserArn(partitionOfTarget(t), t.accountId, "evidence"),
        expected: "denied",
    },
    {
        scenario: "data-read-s3",
        action: "s3:GetObject",
        resource: (t) => s3ObjectArn(partitionOfTarget(t), "evidence-bucket", "evidence-object"),
        expected: "denied",
    },
    {
        scenario: "data-read-secret",
        action: "secretsmanager:GetSecretValue",
        resource: (t) =>
            arn(partitionOfTarget(t), "secretsmanager", "*", t.accountId, "secret:evidence"),
        expected: "denied",
    },
];

/** The role's permissions as IAM's own simulator sees them, from the role's session. */
async function simulate(
    region: string,
    session: AwsCredentialIdentity,
    target: VerifyTarget,
): Promise<EvidenceEntry[]> {
    const iam = new IAMClient({ region, credentials: fixed(session) });
    const entries: EvidenceEntry[] = [];
    for (const mfa of ["true", "false"]) {
        for (const s of PERMISSION_SCENARIOS) {
            let out;
            try {
                out = await iam.send(
                    new SimulatePrincipalPolicyCommand({
                        PolicySourceArn: target.roleArn,
                        ActionNames: [s.action],
                        ResourceArns: [s.resource(target)],
                        ContextEntries: [
                            {
                                ContextKeyName: "aws:MultiFactorAuthPresent",
                                ContextKeyType: "boolean",
                                ContextKeyValues: [mfa],
                            },
                        ],
                    }),
                );
            } catch (e) {
                if (isAccessDenied(e))
                    throw new VerifyPrerequisiteError(
                        `the session of ${target.roleArn} may not call iam:SimulatePrincipalPolicy (${(e as Error).message}); attach SecurityAudit to the role`,
                    );
                throw e;
            }
            const result = out.EvaluationResults?.[0];
            const decision = result?.EvalDecision ?? "implicitDeny";
            const statements = (result?.MatchedStatements ?? [])
                .map((m) => m.SourcePolicyId)
                .filter(Boolean);
            entries.push({
                accountId: target.accountId,
                role: target.roleName,
                scenario: mfa === "true" ? s.scenario : `${s.scenario}-without-mfa-context`,
                expected: s.expected,
                simulated: decision === "allowed" ? "allowed" : "denied",
                reason: `iam:SimulatePrincipalPolicy: ${decision}${statements.length ? ` by ${statements.join(", ")}` : ""} (aws:MultiFactorAuthPresent=${mfa})`,
            });
        }
    }
    return entries;
}

async function trail(
    region: string,
    session: AwsCredentialIdentity,
    target: VerifyTarget,
    now: Date,
): Promise<TrailEvidence> {
    const ct = new CloudTrailClient({ region, credentials: fixed(session) });
    try {
        const out = await ct.send(
            new LookupEventsCommand({
                LookupAttributes: [{ AttributeKey: "EventName", AttributeValue: "AssumeRole" }],
                StartTime: new Date(now.getTime() - 3600_000),
                EndTime: now,
                MaxResults: 50,
            }),
        );
        const mine = (out.Events ?? []).filter(
            (e) =>
                (e.Resources ?? []).some((r) => r.ResourceName === target.roleArn) ||
                (e.CloudTrailEvent ?? "").includes(target.roleArn),
        );
        const latest = mine
            .map((e) => e.EventTime)
            .filter((t): t is Date => t instanceof Date)
            .sort((a, b) => b.getTime() - a.getTime())[0];
        return {
            accountId: target.accountId,
            role: target.roleName,
            events: mine.length,
            latest: latest?.toISOString(),
        };
    } catch (e) {
        if (isAccessDenied(e))
            throw new VerifyPrerequisiteError(
                `the session of ${target.roleArn} may not call cloudtrail:LookupEvents (${(e as Error).message})`,
            );
        throw e;
    }
}

/** Runs every online scenario the given credentials allow, for every target. */
export async function verify(options: VerifyOptions): Promise<VerifyResult> {
    const { region } = options;
    const login = options.credentialKind === "aws-login";
    // Before anything else: a deploy prerequisite that no role assumption can reveal.
    let organization: OrganizationEvidence | undefined;
    if (options.organization) {
        try {
            organization = await checkServiceControlPolicies(
                region,
                options.organization.credentials ?? options.credentials,
                options.organization.policyTypes,
            );
        } catch (e) {
            if (isMissingCredentials(e))
                throw new VerifyPrerequisiteError(
                    "no AWS credentials were found for the SCP check: pass --profile NAME (or --org-profile NAME), or set AWS_PROFILE",
                );
            throw e;
        }
    }
    let rootAccess: RootAccessEvidence | undefined;
    if (options.rootAccess) {
        try {
            rootAccess = await checkCentralizedRootAccess(
                region,
                options.rootAccess.credentials ?? options.credentials,
            );
        } catch (e) {
            if (isMissingCredentials(e))
                throw new VerifyPrerequisiteError(
                    "no AWS credentials were found for the root access check: pass --profile NAME (or --org-profile NAME), or set AWS_PROFILE",
                );
            throw e;
        }
    }
    const sts = new STSClient({ region, credentials: options.credentials });
    let caller: { arn: string; account: string };
    try {
        const id = await sts.send(new GetCallerIdentityCommand({}));
        caller = { arn: id.Arn ?? "?", account: id.Account ?? "?" };
    } catch (e) {
        if (isMissingCredentials(e))
            throw new VerifyPrerequisiteError(
                "no AWS credentials were found: pass --profile NAME, or set AWS_PROFILE or the AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY variables",
            );
        if (
            e instanceof Error &&
            /InvalidClientTokenId|SignatureDoesNotMatch|ExpiredToken/.test(e.name)
        ) {
            throw new VerifyPrerequisiteError(
                `the AWS credentials were rejected (${e.name}): refresh them, or pass another --profile`,
            );
        }
        throw e;
    }

    // For humans: one MFA session for every account, since STS accepts each code only once.
    // sts:GetSessionToken needs an IAM user's long-term keys, so `aws login` credentials cannot
    // use it: each AssumeRole then carries the device and a code of its own.
    // https://docs.aws.amazon.com/STS/latest/APIReference/API_GetSessionToken.html
    let mfaSession: AwsCredentialIdentityProvider | undefined;
    if (options.mfaSerial && options.tokenCode && !login) {
        try {
            const out = await sts.send(
                new GetSessionTokenCommand({
                    SerialNumber: options.mfaSerial,
                    TokenCode: options.tokenCode,
                    DurationSeconds: 900,
                }),
            );
            const c = out.Credentials;
            if (!c?.AccessKeyId || !c.SecretAccessKey)
                throw new Error("sts:GetSessionToken returned no credentials");
            mfaSession = fixed({
                accessKeyId: c.AccessKeyId,
                secretAccessKey: c.SecretAccessKey,
                sessionToken: c.SessionToken,
            });
        } catch (e) {
            if (isAccessDenied(e))
                throw new VerifyPrerequisiteError(
                    `sts:GetSessionToken with MFA device ${options.mfaSerial} was refused (${(e as Error).message}): check the device ARN and use a fresh code`,
                );
            throw e;
        }
    }

    const evidence: EvidenceEntry[] = [];
    const skipped: VerifyResult["skipped"] = [];
    const cloudtrail: TrailEvidence[] = [];
    const sessionName = `org-access-verify-${caller.arn.split("/").pop() ?? "caller"}`
        .replace(/[^\w+=,.@-]/g, "-")
        .slice(0, 64);
    const now = (options.now ?? (() => new Date()))();

    for (const t of options.targets) {
        const base = { accountId: t.accountId, role: t.roleName };
        const record = (
            scenario: string,
            expected: Verdict,
            r: { verdict: Verdict; reason: string },
        ) => evidence.push({ ...base, scenario, expected, simulated: r.verdict, reason: r.reason });
        const args = { roleArn: t.roleArn, sessionName, seconds: options.sessionSeconds };
        let session: AwsCredentialIdentity | undefined;

        if (options.externalId === undefined && login) {
            // AWS does not document whether an `aws login` session carries the console sign-in's
            // MFA context, so a refusal or a success here would prove nothing about the trust.
            skipped.push({
                ...base,
                scenario: "assume-without-mfa",
                reason: "your credentials come from aws login, and AWS does not document whether those sessions carry the console sign-in's MFA context; proved offline by the evidence matrix",
            });
            if (options.mfaSerial && options.tokenCode) {
                const code =
                    t === options.targets[0]
                        ? options.tokenCode
                        : await (options.nextTokenCode ?? noMoreCodes)(t.account);
                const r = await attempt(region, options.credentials, {
                    ...args,
                    serialNumber: options.mfaSerial,
                    tokenCode: code,
                });
                if (r.verdict === "denied" && /MultiFactorAuthentication failed/i.test(r.reason))
                    throw new VerifyPrerequisiteError(
                        `the MFA code for account ${t.account} was refused (${r.reason}): check --mfa-serial and use a fresh code`,
                    );
                record("assume-with-mfa", "allowed", {
                    ...r,
                    reason: `${r.reason} (MFA device and code sent with sts:AssumeRole)`,
                });
                session = r.session;
            } else
                skipped.push({
                    ...base,
                    scenario: "assume-with-mfa",
                    reason: "pass --mfa-serial and --token-code to attempt it",
                });
        } else if (options.externalId === undefined) {
            // The caller's own credentials carry no MFA context: this must be refused.
            record(
                "assume-without-mfa",
                "denied",
                await attempt(region, options.credentials, args),
            );
            if (mfaSession) {
                const r = await attempt(region, mfaSession, args);
                record("assume-with-mfa", "allowed", r);
                session = r.session;
            } else
                skipped.push({
                    ...base,
                    scenario: "assume-with-mfa",
                    reason: "pass --mfa-serial and --token-code to attempt it",
                });
        } else {
            const right = await attempt(region, options.credentials, {
                ...args,
                externalId: options.externalId,
            });
            record("assume-programmatic-external-id", "allowed", right);
            session = right.session;
            record(
                "assume-programmatic-wrong-external-id",
                "denied",
                await attempt(region, options.credentials, {
                    ...args,
                    externalId: `${options.externalId}-wrong`,
                }),
            );
            record(
                "assume-programmatic-no-external-id",
                "denied",
                await attempt(region, options.credentials, args),
            );
        }
        skipped.push({
            ...base,
            scenario: "assume-from-outside-account",
            reason: "needs credentials from outside the organization; proved offline by the evidence matrix",
        });

        if (session) {
            evidence.push(...(await simulate(region, session, t)));
            cloudtrail.push(await trail(region, session, t, now));
        } else {
            for (const s of PERMISSION_SCENARIOS)
                skipped.push({
                    ...base,
                    scenario: s.scenario,
                    reason: "no session of the role could be obtained",
                });
        }
    }
    return {
        ...(organization ? { organization } : {}),
        ...(rootAccess ? { rootAccess } : {}),
        caller,
        evidence,
        skipped,
        cloudtrail,
    };
}

async function noMoreCodes(account: string): Promise<string> {
    throw new VerifyPrerequisiteError(
        `a fresh MFA code is needed for account ${account}: STS accepts each code only once`,
    );
}

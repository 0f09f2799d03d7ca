// logs-immutable: no principal in the plan can destroy or weaken the organization trail's
// evidence. Every principal the plan creates (roles, users, CI identities) and every principal
// the plan lets someone become without creating it (the providers' deploy roles, the roles its
// policies may assume, OrganizationAccountAccessRole and the root user of every member account,
// all taken to be administrators) asks for every protected action on every log resource: the
// trail, its bucket and log objects, its key, its CloudWatch Logs group and that group's key. Each
// request is decided by authorize() (policypack/iam/authorize.ts) with the caller's identity
// policies, the SCPs of its account (none in the management account) and the bucket's or key's
// policy; log objects under S3 Object Lock in COMPLIANCE mode with a default retention are
// decided by Object Lock, which no policy can override.
import { reservedInOrganization } from "./graph";
import {
    LOG_BUCKET_CONFIG_ACTIONS,
    LOG_DELETION_ACTIONS,
    LOG_KEY_ALIAS_ACTIONS,
    LOG_KEY_CONFIG_ACTIONS,
    LOG_KEY_DELETION_ACTIONS,
    TRAIL_PROTECT_ACTIONS,
} from "../../components/guardrails";
import {
    allConditions,
    authorize,
    ContextValue,
    awsPrincipalFromArn,
    hasWildcard,
    NamedPolicy,
    parseArn,
    parsePolicyDocument,
    RequestPrincipal,
    statementMatchesAction,
} from "../../policypack/iam";
import { DocumentCache } from "../../policypack/iam/document";
import {
    accountRootArn,
    assumedRoleArn,
    cloudTrailArn,
    iamArn,
    iamRoleArn,
    s3BucketArn,
} from "../../policypack/iam/arn";
import { LOG_ARCHIVE_ADMIN_ROLE_TYPE } from "../../policypack/componentTypes";
import { ModelResource, objectArray, str } from "../../policypack/model/resources";
import { T } from "../../policypack/policies/types";
import { NamedDocument } from "../model";
import { rcpsFor, scpsFor } from "../simulate";
import { Counterexample, Proof, ProofInput } from "./types";

/**
 * Log objects: deleting a version, overwriting one, shortening or bypassing its retention.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html#object-lock-retention-modes
 */
export const LOG_OBJECT_ACTIONS = [
    ...LOG_DELETION_ACTIONS.filter((a) => a !== "s3:DeleteBucket"),
    "s3:PutObject",
    "s3:PutObjectRetention",
    "s3:BypassGovernanceRetention",
];

/** The trail's CloudWatch Logs copy: deleting it, its streams, or shortening its retention. */
export const LOG_GROUP_ACTIONS = [
    "logs:DeleteLogGroup",
    "logs:DeleteLogStream",
    "logs:PutRetentionPolicy",
];

/**
 * What the root user of the bucket's account may always do, whatever the bucket policy says: only
 * an SCP (or a VPC endpoint policy) stops it.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucketPolicy.html
 */
const ROOT_BUCKET_POLICY_ACTIONS = [
    "s3:DeleteBucketPolicy",
    "s3:GetBucketPolicy",
    "s3:PutBucketPolicy",
];

/**
 * A bucket can be deleted only once empty, and versions under COMPLIANCE retention cannot be.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucket.html
 */
const EMPTY_BUCKET_ACTIONS = ["s3:DeleteBucket"];

const KEY_ACTIONS = [
    ...new Set([...LOG_KEY_DELETION_ACTIONS, ...LOG_KEY_CONFIG_ACTIONS, ...LOG_KEY_ALIAS_ACTIONS]),
];
const BUCKET_ACTIONS = [...new Set([...LOG_BUCKET_CONFIG_ACTIONS, "s3:DeleteBucket"])];

/** One log resource and what must not be done to it. */
interface Target {
    readonly what: string;
    readonly arn: string;
    readonly account: string;
    readonly actions: readonly string[];
    /** The bucket or key policy. */
    readonly policy?: NamedPolicy;
    /** Decided by S3 Object Lock: nobody can, whatever the policies say. */
    readonly locked?: boolean;
    /** The bucket holds locked log versions, so it can never be emptied. */
    readonly holdsLocked?: boolean;
    /** An S3 bucket: its account's root user may always manage its policy. */
    readonly bucket?: boolean;
    /** Why the target could not be examined (a counterexample: nothing unread is safe). */
    readonly unchecked?: string;
    /** What CloudTrail must still be allowed to do here to deliver the trail's logs. */
    readonly deliveries?: readonly Delivery[];
    /** What AWS adds to every request on it: a key's aliases (kms:ResourceAliases). */
    readonly context?: Readonly<Record<string, ContextValue>>;
}

/** One request CloudTrail makes to deliver the trail's logs. */
interface Delivery {
    readonly action: string;
    readonly resource: string;
    readonly context: Readonly<Record<string, ContextValue>>;
}

/** The CloudTrail service principal that delivers an organization trail's logs. */
const CLOUDTRAIL: RequestPrincipal = { type: "service", service: "cloudtrail.amazonaws.com" };

/**
 * The requests CloudTrail makes for an organization trail of `managementAccount`: it checks the
 * bucket's ACL and writes log files under AWSLogs/<organization id>/ (bucket-owner-full-control),
 * and asks the trail's key for data keys with the trail in the encryption context. Each carries
 * the trail as aws:SourceArn, and the trail's account and organization as aws:SourceAccount and
 * aws:SourceOrgID.
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html
 */
function deliveryContext(
    trailArn: string,
    managementAccount: string,
    organizationId: string | undefined,
    region: string,
): Record<string, string> {
    return {
        "aws:SourceArn": trailArn,
        "aws:SourceAccount": managementAccount,
        ...(organizationId ? { "aws:SourceOrgID": organizationId } : {}),
        "aws:SecureTransport": "true",
        "aws:RequestedRegion": region,
    };
}

/** A principal that asks. */
interface Caller {
    readonly arn: string;
    readonly account: string;
    readonly principal: RequestPrincipal;
    /** Undefined: the account's own grant is taken (the root user). */
    readonly identity?: readonly NamedPolicy[];
    /** Not created by the plan: its identity is unknown and taken to be admin. */
    readonly external: boolean;
}

const ADMIN: NamedPolicy = {
    label: "assumed administrator (identity policies not in the plan)",
    doc: parsePolicyDocument(
        { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] },
        "identity",
    ),
};

/** Where the log resources are, from the planned trail. */
function targetsOf(
    resources: readonly ModelResource[],
    partition: string,
    region: string,
    organizationId?: string,
): Target[] {
    const out: Target[] = [];
    const keyPolicy = (
        arn: string | undefined,
    ): {
        account?: string;
        policy?: NamedPolicy;
        context?: Record<string, ContextValue>;
    } => {
        const a = arn ? parseArn(arn) : undefined;
        const key = resources.find(
            (r) =>
                r.type === T.Key &&
                a !== undefined &&
                r.accountId === a.account &&
                a.resource === `key/${r.id}`,
        );
        const text = key?.props.policy;
        // KMS puts the aliases of the key a request names in kms:ResourceAliases, which the
        // trail RCP and the admin role's policy name it by.
        // https://docs.aws.amazon.com/kms/latest/developerguide/alias-authorization.html
        const aliases = key
            ? resources
                  .filter(
                      (r) =>
                          r.type === "aws:kms/alias:Alias" &&
                          r.accountId === key.accountId &&
                          [key.id, arn].includes(str(r.props.targetKeyId)),
                  )
                  .map((r) => str(r.props.name))
                  .filter((n): n is string => n !== undefined)
                  .sort()
            : [];
        return {
            account: a?.account,
            context: aliases.length ? { "kms:ResourceAliases": aliases } : undefined,
            policy:
                key && text !== undefined
                    ? {
                          label: `key policy ${key.name}`,
                          doc: parsePolicyDocument(text, "resource"),
                      }
                    : undefined,
        };
    };
    const keyTarget = (what: string, arn: string | undefined, deliveries?: Delivery[]): void => {
        const { account, policy, context } = keyPolicy(arn);
        if (arn && account)
            out.push({
                what,
                arn,
                account,
                actions: KEY_ACTIONS,
                policy,
                context,
                deliveries: deliveries?.map((d) => ({
                    ...d,
                    resource: arn,
                    context: { ...d.context, ...context },
                })),
            });
        // A key id, an alias or an unknown value: the proof cannot tell which key's policy holds.
        else if (arn)
            out.push({
                what,
                arn,
                account: "",
                actions: KEY_ACTIONS,
                unchecked: `its kmsKeyId ${arn} is no key ARN, so the key and its policy are unknown`,
            });
    };
    for (const trail of resources.filter((r) => r.type === T.Trail && r.accountId)) {
        const account = trail.accountId as string;
        const name = str(trail.props.name) ?? trail.name;
        const trailArn = cloudTrailArn(partition, region, account, name);
        const context = deliveryContext(trailArn, account, organizationId, region);
        out.push({
            what: `trail ${name}`,
            arn: trailArn,
            account,
            actions: TRAIL_PROTECT_ACTIONS,
        });
        const bucketName = str(trail.props.s3BucketName);
        const bucket = resources.find(
            (r) =>
                (r.type === T.Bucket || r.type === T.BucketV2) &&
                (str(r.props.bucket) ?? r.id) === bucketName,
        );
        if (bucketName && bucket?.accountId) {
            const arn = s3BucketArn(partition, bucketName);
            const bp = resources.find(
                (r) => r.type === T.BucketPolicy && r.props.bucket === bucketName,
            );
            const policy = bp && {
                label: `bucket policy ${bp.name}`,
                doc: parsePolicyDocument(bp.props.policy, "resource"),
            };
            const locked = complianceLocked(resources, bucket, bucketName);
            out.push({
                what: `bucket ${bucketName}`,
                arn,
                account: bucket.accountId,
                actions: BUCKET_ACTIONS,
                policy,
                holdsLocked: locked,
                bucket: true,
                deliveries: [{ action: "s3:GetBucketAcl", resource: arn, context }],
            });
            out.push({
                what: `log objects of ${bucketName}`,
                arn: `${arn}/AWSLogs/zq9/CloudTrail/zq9.json.gz`,
                account: bucket.accountId,
                actions: LOG_OBJECT_ACTIONS,
                policy,
                locked,
                deliveries: organizationId
                    ? [
                          {
                              action: "s3:PutObject",
                              resource: `${arn}/AWSLogs/${organizationId}/zq9/CloudTrail/zq9.json.gz`,
                              context: { ...context, "s3:x-amz-acl": "bucket-owner-full-control" },
                          },
                      ]
                    : undefined,
            });
        }
        keyTarget(`trail key`, str(trail.props.kmsKeyId), [
            {
                action: "kms:GenerateDataKey",
                resource: "",
                context: { ...context, "kms:EncryptionContext:aws:cloudtrail:arn": trailArn },
            },
        ]);
        const groupArn = str(trail.props.cloudWatchLogsGroupArn)?.replace(/:\*$/, "");
        const group = resources.find(
            (r) =>
                r.type === "aws:cloudwatch/logGroup:LogGroup" &&
                groupArn?.endsWith(`:log-group:${str(r.props.name)}`),
        );
        if (groupArn && group?.accountId) {
            out.push({
                what: `log group ${str(group.props.name)}`,
                arn: groupArn,
                account: group.accountId,
                actions: LOG_GROUP_ACTIONS,
            });
            keyTarget(`log group key`, str(group.props.kmsKeyId));
        }
    }
    return out;
}

/**
 * Object Lock decides object deletion and overwrite when the bucket was created with Object Lock
 * and its default retention is COMPLIANCE with a positive period: "a protected object version
 * can't be overwritten or deleted by any user, including the root user", and its retention can't
 * be shortened.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html#object-lock-retention-modes
 */
function complianceLocked(
    resources: readonly ModelResource[],
    bucket: ModelResource,
    bucketName: string,
): boolean {
    const enabled =
        bucket.props.objectLockEnabled === true ||
        (bucket.props.objectLockConfiguration as { objectLockEnabled?: string } | undefined)
            ?.objectLockEnabled === "Enabled";
    if (!enabled) return false;
    return resources.some((r) => {
        if (
            r.type !== T.BucketObjectLockConfiguration &&
            r.type !== T.BucketObjectLockConfigurationV2
        )
            return false;
        if (r.props.bucket !== bucketName) return false;
        const retention = (
            r.props.rule as { defaultRetention?: Record<string, unknown> } | undefined
        )?.defaultRetention;
        const days = Number(retention?.days ?? 0);
        const years = Number(retention?.years ?? 0);
        return retention?.mode === "COMPLIANCE" && (days > 0 || years > 0);
    });
}

function sessionOf(roleArn: string): RequestPrincipal {
    const a = parseArn(roleArn)!;
    const name = a.resource.split("/").pop() as string;
    return {
        ...(awsPrincipalFromArn(
            assumedRoleArn(a.partition, a.account, name, "zq9-session"),
        ) as RequestPrincipal & { type: "aws" }),
        roleArn,
    };
}

/**
 * Roles the plan lets someone assume without creating them: the providers' deploy roles, the
 * roles its identity policies grant sts:AssumeRole on, and OrganizationAccountAccessRole, which
 * AWS Organizations creates in every account it creates.
 * https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_accounts_create-cross-account-role.html
 */
function externalRoles(
    input: ProofInput,
    own: ReadonlySet<string>,
    accounts: readonly string[],
    planned: ReadonlySet<string>,
): string[] {
    const p = input.model.partition;
    const out = new Set<string>();
    const add = (arn: string) => {
        const a = parseArn(arn);
        if (!a || !own.has(a.account) || !a.resource.startsWith("role/")) return;
        if (!planned.has(arn.toLowerCase())) out.add(arn);
    };
    for (const r of input.resources.filter((x) => x.type === T.AwsProvider))
        for (const role of objectArray(r.props.assumeRoles))
            if (str(role.roleArn)) add(str(role.roleArn)!);
    const documents: NamedDocument[] = [
        ...input.model.roles.flatMap((r) => r.identity),
        ...input.model.principals.flatMap((u) => u.identity),
    ];
    for (const d of documents)
        for (const s of d.doc.statements) {
            if (s.effect !== "Allow" || !statementMatchesAction(s, "sts:AssumeRole")) continue;
            for (const pattern of s.resource ?? []) {
                const a = parseArn(pattern);
                if (!a || a.service !== "iam") continue;
                // A name an SCP at the root reserves (ProtectOrgAccessRoles): in an account of the
                // organization only the deploy roles (above) could have made one; in the
                // management account only its administrators, the trust base (graph.ts).
                if (
                    hasWildcard(a.account) &&
                    !hasWildcard(a.resource) &&
                    reservedInOrganization(input.model, iamArn(p, "000000000000", a.resource))
                )
                    continue;
                const targets = hasWildcard(a.account) ? accounts : [a.account];
                for (const account of targets) {
                    const arn = iamArn(p, account, a.resource);
                    if (!hasWildcard(a.resource)) add(arn);
                }
            }
        }
    for (const account of own)
        if (account !== input.model.managementAccountId)
            add(iamRoleArn(p, account, "OrganizationAccountAccessRole"));
    return [...out];
}

/** The principals of the plan, and those it lets someone become. */
function callersOf(input: ProofInput): Caller[] {
    const { model } = input;
    // The accounts this stack's principals live in.
    const own = new Set<string>(
        [...input.resources.map((r) => r.accountId), ...model.roles.map((r) => r.accountId)].filter(
            (a): a is string => a !== undefined,
        ),
    );
    const callers: Caller[] = [];
    const planned = new Set(model.roles.map((r) => r.arn.toLowerCase()));
    for (const r of model.roles) {
        // The log-archive admin role is the one principal that may: reached only by break-glass with MFA.
        if (r.componentType === LOG_ARCHIVE_ADMIN_ROLE_TYPE) continue;
        callers.push({
            arn: r.arn,
            account: r.accountId,
            principal: sessionOf(r.arn),
            identity: [...r.identity, ...(r.unknownManaged.length ? [ADMIN] : [])],
            external: false,
        });
    }
    if (input.kind === "security")
        for (const u of model.principals)
            callers.push({
                arn: u.arn,
                account: u.accountId,
                principal: awsPrincipalFromArn(u.arn)!,
                identity: [...u.identity, ...(u.unknownManaged.length ? [ADMIN] : [])],
                external: false,
            });
    for (const arn of externalRoles(input, own, [...own], planned))
        callers.push({
            arn,
            account: parseArn(arn)!.account,
            principal: sessionOf(arn),
            identity: [ADMIN],
            external: true,
        });
    for (const account of own)
        callers.push({
            arn: accountRootArn(model.partition, account),
            account,
            principal: awsPrincipalFromArn(account)!,
            external: true,
        });
    return callers;
}

const mfaCache = new DocumentCache<boolean>();

/** Does the policy decide anything on MFA? */
function mentionsMfa(p: NamedPolicy): boolean {
    return mfaCache.get(p.doc, () =>
        allConditions(p.doc).some((c) => c.keyLower.startsWith("aws:multifactorauth")),
    );
}

/**
 * The contexts a caller can choose: with or without MFA, over TLS, in the stack's region. Without
 * MFA only where a policy of the request speaks of MFA: elsewhere the answer is the same.
 */
function contexts(region: string, policies: readonly NamedPolicy[]): Record<string, string>[] {
    const base = { "aws:SecureTransport": "true", "aws:RequestedRegion": region };
    const mfa = { ...base, "aws:MultiFactorAuthPresent": "true", "aws:MultiFactorAuthAge": "60" };
    return policies.some(mentionsMfa) ? [mfa, base] : [mfa];
}

export const logsImmutable: Proof = {
    id: "logs-immutable",
    statement:
        "no principal in the plan but the log-archive admin role can delete or overwrite log objects, change the log bucket's configuration, stop or change the trail, disable, delete or re-policy the log keys, or delete the log group or shorten its retention; and CloudTrail can still deliver the trail's logs to the bucket and its key",
    unit: "principal-action pairs",
    // Both kinds: the security stack holds the logs and the principals next to them; a workload
    // stack's principals (and the deploy and OrganizationAccountAccessRole roles of its accounts)
    // must not reach them either. A workload plan sees the logs through input.security; without
    // the security plan it examines nothing and so does not hold.
    appliesTo: ["security", "workload"],
    prove(input) {
        const logs = input.security ?? (input.kind === "security" ? input.resources : []);
        const targets = targetsOf(
            logs,
            input.model.partition,
            input.model.region,
            input.model.organizationId,
        );
        const callers = targets.length ? callersOf(input) : [];
        const management = input.model.managementAccountId;
        const counterexamples: Counterexample[] = [];
        let checked = 0;
        for (const target of targets) {
            if (target.unchecked) {
                counterexamples.push({
                    principal: "(not checked)",
                    path: [],
                    action: "*",
                    resource: target.arn,
                    statements: [],
                    reason: `${target.what}: not checked: ${target.unchecked}; give the key's ARN (the key's arn output), so its policy is examined`,
                });
                continue;
            }
            // The RCPs of the target's account bind every caller, the management account's too
            // (none when the plan creates none, or for the management account's own resources).
            // CloudTrail's delivery must pass every RCP that may apply, an OU's included; a
            // caller is only counted as stopped by one surely attached to the target's account
            // (the root or the account itself): the plan cannot see which accounts an OU holds.
            const deliveryRcps = rcpsFor(input.model, target.account, "possibly");
            const targetRcps = rcpsFor(input.model, target.account, "surely");
            for (const d of target.deliveries ?? []) {
                checked++;
                const request = {
                    principal: CLOUDTRAIL,
                    action: d.action,
                    resource: d.resource,
                    resourceAccount: target.account,
                    context: d.context,
                };
                const result = authorize(request, { resource: target.policy, rcps: deliveryRcps });
                if (result.decision === "Allow") continue;
                const deny = result.denies[0]?.label;
                counterexamples.push({
                    principal: CLOUDTRAIL.type === "service" ? CLOUDTRAIL.service : "",
                    path: [],
                    action: d.action,
                    resource: `${d.resource} (${target.what})`,
                    statements: result.denies.map((x) => x.label),
                    reason: `CloudTrail cannot deliver the trail's logs: ${d.action} on the ${target.what} is ${deny ? `denied by ${deny}` : `not allowed (no ${result.missing} allows it)`}; let cloudtrail.amazonaws.com through for this trail (aws:SourceArn ${d.context["aws:SourceArn"]}) in the ${target.policy?.label ?? "resource policy"} and every RCP (components/orgTrailPolicies.ts, components/resourceControls.ts)`,
                });
            }
            for (const caller of callers) {
                // The trust base: what the plan does not create in the management account is not
                // bound by SCPs and holds the trail, the log group and its key by IAM alone.
                if (
                    caller.external &&
                    caller.account === management &&
                    target.account === management
                )
                    continue;
                // Likewise only the SCPs surely on the caller's path count as stopping it.
                const scps = scpsFor(input.model, caller.account, "surely");
                // Every caller is of an account of the organization, and its requests say so.
                const inside: Record<string, string> = input.model.organizationId
                    ? { "aws:PrincipalOrgID": input.model.organizationId }
                    : {};
                for (const action of target.actions) {
                    checked++;
                    if (target.locked) continue;
                    if (target.holdsLocked && EMPTY_BUCKET_ACTIONS.includes(action)) continue;
                    const rootOfBucket =
                        target.bucket &&
                        caller.principal.type === "aws" &&
                        caller.principal.kind === "root" &&
                        caller.account === target.account &&
                        ROOT_BUCKET_POLICY_ACTIONS.includes(action);
                    const resource = rootOfBucket ? undefined : target.policy;
                    // The root user's hold on its bucket's policy is not counted as stopped by
                    // an RCP: S3 documents only that no bucket policy stops it.
                    const rcps = rootOfBucket ? undefined : targetRcps;
                    const asked = [
                        ...(caller.identity ?? []),
                        ...(scps ?? []),
                        ...(rcps ?? []),
                        ...(resource ? [resource] : []),
                    ];
                    const posed = contexts(input.model.region, asked);
                    for (const context of posed) {
                        const request = {
                            principal: caller.principal,
                            action,
                            resource: target.arn,
                            resourceAccount: target.account,
                            context: { ...context, ...target.context, ...inside },
                        };
                        // First without the caller's identity policies, which only ever narrow
                        // an Allow (authorize takes absent ones to allow): most requests stop at
                        // the SCPs or at the other account's resource, without evaluating the
                        // large AWS-managed policies.
                        if (authorize(request, { scps, rcps, resource }).decision !== "Allow")
                            continue;
                        const result = authorize(request, {
                            identity: caller.identity,
                            scps,
                            rcps,
                            resource,
                        });
                        if (result.decision !== "Allow") continue;
                        counterexamples.push({
                            principal: caller.arn,
                            path: [],
                            action,
                            resource: `${target.arn} (${target.what})`,
                            statements: result.allows.map((a) => a.label),
                            reason: rootOfBucket
                                ? `${caller.arn}, the root user of the bucket's account, may always ${action} whatever the bucket policy says; only an SCP stops it: attach the guardrails (config guardrails.targets) to the log-archive account`
                                : `${caller.arn}${caller.external ? " (not created by the plan, taken to be an administrator)" : ""} may ${action} on the ${target.what}${posed.length > 1 && context === posed[0] ? " (with MFA)" : ""}; deny it to every principal but the log-archive admin role in the ${target.policy ? `${target.policy.label} and the ` : ""}guardrail SCP (components/orgTrailPolicies.ts, components/guardrails.ts)${target.what.startsWith("log objects") ? ", and keep S3 Object Lock in COMPLIANCE mode with a default retention on the bucket" : ""}, or remove the grant`,
                        });
                        break;
                    }
                }
            }
        }
        // Who in the plan may become one of the trust base's roles: said, not hidden.
        const trustBase = callers.filter((c) => c.external && c.account === management);
        const reaching = callers
            .filter((c) => !c.external)
            .flatMap((c) =>
                trustBase
                    .filter((t) => t.principal.type === "aws" && t.principal.kind !== "root")
                    .filter(
                        (t) =>
                            authorize(
                                {
                                    principal: c.principal,
                                    action: "sts:AssumeRole",
                                    resource: t.arn,
                                },
                                { identity: c.identity },
                            ).decision === "Allow",
                    )
                    .map((t) => `${c.arn} -> ${t.arn}`),
            );
        return {
            checked,
            counterexamples,
            assumptions: [
                ...(reaching.length
                    ? [
                          `these principals of the plan may assume a role of that trust base (its trust policy, not in the plan, decides): ${reaching.join("; ")}`,
                      ]
                    : []),
                "the log-archive admin role may change the bucket's configuration and the key's policy: only break-glass users with MFA reach it (proved by only-break-glass-reaches-admin)",
                `principals of the management account${management ? ` ${management}` : ""} that the plan does not create (its root user, the bootstrapped deploy role, any administrator there) are not bound by SCPs: they can stop or update the trail, delete the log group or change its retention, and change the log group key's policy. They are the trust base; the bucket and the trail key in the log-archive account stay protected from them by the bucket and key policies`,
                "roles the plan does not create but lets someone assume (deploy roles, OrganizationAccountAccessRole) and every member account's root user are taken to be administrators, bound by the SCPs",
                "log objects are decided by S3 Object Lock when the bucket has it in COMPLIANCE mode with a default retention: nobody, the root user included, can delete or overwrite a locked version or shorten its retention",
                "requests are posed with and without MFA, over TLS, in the stack's region, each from an account of the organization (aws:PrincipalOrgID)",
                "the resource control policies the plan attaches to the root or to the log-archive account itself bind every request to the bucket and the trail key, the management account's principals' included; not the root user's own hold on its bucket's policy, which S3 documents no bucket policy can take away",
                "an SCP or RCP attached to an OU is not counted as stopping anyone (the plan cannot see which accounts an OU holds); CloudTrail's delivery must still pass it",
            ],
        };
    },
};

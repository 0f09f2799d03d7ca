/**
 * rcp-perimeter-sound (mandatory): a resource control policy restricts what its author meant and
 * does not cut the organization's own audit trail.
 *
 * - A statement naming actions of a service RCPs do not apply to (`ec2:*`, `iam:PassRole`)
 *   restricts nothing there: AWS evaluates RCPs only for the services in rcp.ts RCP_SERVICES, so
 *   the author believes in a control that does not exist.
 *   https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html#rcp-supported-services
 * - A Deny must not stop AWS services acting for the organization. The data perimeter's Deny on
 *   `aws:PrincipalOrgID` (StringNotEqualsIfExists) also matches a service principal, whose request
 *   carries no aws:PrincipalOrgID, so without an exception (`BoolIfExists
 *   aws:PrincipalIsAWSService false`, or a source condition such as `aws:SourceOrgID`) it denies
 *   CloudTrail's delivery of the organization trail's logs to the trail bucket and its key.
 *   AWS's perimeter RCPs carry that exception for this reason:
 *   https://github.com/aws-samples/data-perimeter-policy-examples/blob/main/resource_control_policies/identity_perimeter_rcp.json
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalisawsservice
 *   The check asks the pack's evaluator whether any Deny statement applies to CloudTrail's own
 *   requests (s3:GetBucketAcl and s3:PutObject on the bucket, kms:GenerateDataKey on the key,
 *   with the source keys CloudTrail sends), probing each statement's own Resource patterns,
 *   picked by the ARN's service field in any partition (a wildcard partition filled with a real
 *   one). A Deny over every resource of a service (a perimeter) is also asked whether it denies a
 *   generic AWS service principal acting for the organization's own resources, on each of its
 *   actions; a Deny that names its resources is a deliberate lock, asked only of CloudTrail.
 *   An exception the document pins to an organization, account or trail is taken as naming the
 *   organization trail (one document does not say which trail is the organization's; the probe
 *   then asks whether that trail still gets through). When the stack holds an organization trail
 *   (aws.cloudtrail.Trail isOrganizationTrail), the stack check probes again with its ARN and
 *   account, so an exception pinned to another trail or account is reported.
 *   https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html
 *   https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html
 *
 * Mandatory, not advisory: CloudTrail fails quietly when delivery is denied, so the trail (CIS AWS
 * Foundations 3.x, SOC 2 CC7.2) would stop recording with nothing in the plan to show it, in every
 * account the RCP is attached to; and an RCP reaching an unsupported service is a control that the
 * guardrails table would claim and AWS would not enforce. Either is fixed in the document itself.
 */
import {
    PolicyResource,
    ReportViolation,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
    validateResourceOfType,
} from "@pulumi/policy";
import {
    buildContextMap,
    globMatch,
    hasWildcard,
    PolicyDocument,
    RequestContext,
    Statement,
    statementApplies,
    statementLabel,
} from "../iam";
import {
    arn,
    cloudTrailArn,
    formatArn,
    kmsKeyArn,
    parseArn,
    PARTITIONS,
    PROBE_PARTITION,
    s3BucketArn,
    s3ObjectArn,
    snsTopicArn,
} from "../iam/arn";
import {
    CALLER_OR_TARGET_ACCOUNT_KEYS,
    CALLER_OR_TARGET_ORG_KEYS,
    requesterPinKeys,
} from "../iam/keys";
import { PROBE_ACCOUNT } from "../iam/privileges";
import { instantiateGlob } from "../iam/wildcard";
import { ofType } from "../model/references";
import { quoteList, validateResourceOfTypes } from "./common";
import { actionsOutsideRcpServices, readRcp, RCP_SERVICES } from "./rcp";
import { resourceType, T } from "./types";

export const NAME = "rcp-perimeter-sound";

const CLOUDTRAIL = "cloudtrail.amazonaws.com";
/** The generic AWS service probed for a perimeter Deny: SNS delivering to the organization's resources. */
const GENERIC_SERVICE = "sns.amazonaws.com";
/** Stand-ins for what a statement does not name: unlike anything an author would write. */
const PROBE_ORG = "o-zq9zq9zq9z";
const PROBE_BUCKET = "zq9-trail-bucket";
const PROBE_REGION = "us-east-1";
const PROBE_KEY = kmsKeyArn(PROBE_PARTITION, PROBE_REGION, PROBE_ACCOUNT, "zq9");
/** The key CloudTrail names the trail under in the encryption context of its data keys. */
const TRAIL_CONTEXT_KEY = "kms:EncryptionContext:aws:cloudtrail:arn";

/** The keys (from iam/keys.ts) whose exact values name the inside organization and account. */
const ORG_KEYS = [...new Set([...requesterPinKeys("org"), ...CALLER_OR_TARGET_ORG_KEYS])];
const ACCOUNT_KEYS = [
    ...new Set([...requesterPinKeys("account"), ...CALLER_OR_TARGET_ACCOUNT_KEYS]),
];
const TRAIL_KEYS = [...requesterPinKeys("arn"), TRAIL_CONTEXT_KEY.toLowerCase()];

/** The exact string values the document's conditions give `key` (lower-cased key). */
function valuesOf(doc: PolicyDocument, key: string): string[] {
    const out: string[] = [];
    for (const s of doc.statements)
        for (const c of s.conditions)
            if (c.keyLower === key) for (const v of c.values) out.push(String(v));
    return out;
}

/**
 * The organization, account and trail CloudTrail acts for: the ones the document itself names as
 * inside (so that an exception pinned to them is honoured: an exact org id, account or trail ARN),
 * else stand-ins.
 */
function inside(doc: PolicyDocument): { org: string; account: string; trail: string } {
    const org = ORG_KEYS.flatMap((k) => valuesOf(doc, k)).find((v) => /^o-[a-z0-9]+$/.test(v));
    const trail = TRAIL_KEYS.flatMap((k) => valuesOf(doc, k))
        .filter((v) => /^arn:[^:]+:cloudtrail:/.test(v))
        .flatMap((v) => instantiateGlob(v, ["zq9"]))[0];
    const account =
        ACCOUNT_KEYS.flatMap((k) => valuesOf(doc, k)).find((v) => /^\d{12}$/.test(v)) ??
        (trail ? parseArn(trail)?.account : undefined) ??
        PROBE_ACCOUNT;
    return {
        org: org ?? PROBE_ORG,
        account,
        trail: trail ?? cloudTrailArn(PROBE_PARTITION, PROBE_REGION, account, "zq9-trail"),
    };
}

/**
 * A Resource pattern's partition made a real one: a wildcard partition (`arn:*:`, `arn:aws*:`) is
 * filled with the first partition it matches, so that a Deny on `arn:*:s3:::bucket/*` is probed on
 * a bucket it names rather than skipped; a literal partition (`aws-us-gov`) is kept.
 */
function concretePartition(partition: string): string | undefined {
    if (!hasWildcard(partition)) return partition;
    return [PROBE_PARTITION, ...PARTITIONS].find((p) => globMatch(partition, p));
}

/**
 * Concrete ARNs of `service` the statement's Resource patterns name, picked by the ARN's service
 * field (a glob: `arn:aws:*:::bucket` names S3 too) whatever the partition, plus a stand-in.
 */
function targets(s: Statement, service: string, fallback: string, object: boolean): string[] {
    const named = (s.resource ?? []).flatMap((r) => {
        const a = parseArn(r);
        if (!a || !globMatch(a.service, service, true)) return [];
        // An object is named by a key after the bucket's `/`, or by a trailing wildcard that
        // runs on into the key (`bucket*` matches `bucket/AWSLogs/...`).
        const resource =
            !object || a.resource.includes("/")
                ? a.resource
                : a.resource.endsWith("*")
                  ? `${a.resource.slice(0, -1)}/*`
                  : undefined;
        if (resource === undefined) return [];
        const partition = concretePartition(a.partition);
        if (partition === undefined) return [];
        return instantiateGlob(formatArn({ ...a, partition, service, resource }), ["zq9"]);
    });
    return [...new Set([...named, fallback])];
}

interface Delivery {
    readonly what: string;
    readonly request: RequestContext;
}

/**
 * What every AWS service principal's request carries here: the inside organization and account as
 * its source, TLS, and aws:ViaAWSService false, which AWS sets only when a service uses an IAM
 * principal's credentials (forward access sessions), never for a service principal's own call.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-viaawsservice
 */
function serviceContext(org: string, account: string, sourceArn: string) {
    return {
        "aws:SourceArn": sourceArn,
        "aws:SourceAccount": account,
        "aws:SourceOrgID": org,
        "aws:ResourceOrgID": org,
        "aws:SecureTransport": "true",
        "aws:ViaAWSService": "false",
    };
}

/** CloudTrail's requests when it delivers the trail's logs, against this statement's resources. */
function deliveries(s: Statement, org: string, account: string, trail: string): Delivery[] {
    const context = serviceContext(org, account, trail);
    const principal = { type: "service" as const, service: CLOUDTRAIL };
    const buckets = targets(s, "s3", s3BucketArn(PROBE_PARTITION, PROBE_BUCKET), false).map(
        (b) => b.split("/")[0],
    );
    const objects = targets(
        s,
        "s3",
        s3ObjectArn(
            PROBE_PARTITION,
            PROBE_BUCKET,
            `AWSLogs/${org}/${account}/CloudTrail/zq9.json.gz`,
        ),
        true,
    );
    const keys = targets(s, "kms", PROBE_KEY, false);
    return [
        ...[...new Set(buckets)].map((resource) => ({
            what: `s3:GetBucketAcl on ${resource}`,
            request: { principal, action: "s3:GetBucketAcl", resource, context },
        })),
        ...objects.map((resource) => ({
            what: `s3:PutObject to ${resource}`,
            request: {
                principal,
                action: "s3:PutObject",
                resource,
                context: { ...context, "s3:x-amz-acl": "bucket-owner-full-control" },
            },
        })),
        ...keys.map((resource) => ({
            what: `kms:GenerateDataKey on ${resource}`,
            request: {
                principal,
                action: "kms:GenerateDataKey",
                resource,
                // CloudTrail names the trail in the encryption context of every data key.
                context: { ...context, [TRAIL_CONTEXT_KEY]: trail },
            },
        })),
    ];
}

/** Whether a Resource pattern covers every resource of its service (`*`, `arn:aws:sqs:*:*:*`). */
function everyResource(r: string): boolean {
    if (r === "*") return true;
    const a = parseArn(r);
    return !!a && /^[*/]+$/.test(a.resource);
}

/**
 * A generic AWS service principal's requests (GENERIC_SERVICE, acting for a resource of the
 * inside account and organization: an SNS topic delivering to a queue, a service assuming a role)
 * for each of the statement's actions in a service RCPs apply to. Asked only of a Deny over every
 * resource of a service (Resource `*`, or an ARN whose resource part is all wildcards): that is a
 * perimeter, and AWS's perimeter RCPs exempt AWS services for this reason. A Deny that names its
 * resources (a trail bucket's keepers) is a deliberate lock whose author chose who passes; only
 * CloudTrail's delivery is asked of it.
 */
function serviceRequests(s: Statement, org: string, account: string): Delivery[] {
    const broad = s.resource === undefined ? ["*"] : s.resource.filter(everyResource);
    if (!broad.length) return [];
    const context = serviceContext(
        org,
        account,
        snsTopicArn(PROBE_PARTITION, PROBE_REGION, account, "zq9-topic"),
    );
    const principal = { type: "service" as const, service: GENERIC_SERVICE };
    const out: Delivery[] = [];
    for (const a of s.action ?? []) {
        const i = a.indexOf(":");
        const name = i < 0 ? "*" : a.slice(i + 1);
        for (const svc of RCP_SERVICES.filter((x) => globMatch(i < 0 ? a : a.slice(0, i), x, true)))
            for (const action of instantiateGlob(`${svc}:${name}`, ["zq9"]))
                for (const r of broad) {
                    const p = parseArn(r);
                    const partition = p ? concretePartition(p.partition) : PROBE_PARTITION;
                    if (partition === undefined) continue;
                    const resource = arn(partition, svc, PROBE_REGION, account, "zq9");
                    out.push({
                        what: `${action} on ${r === "*" ? `${svc} resources` : r}`,
                        request: { principal, action, resource, context },
                    });
                }
    }
    return out;
}

const rcp = validateResourceOfType(
    resourceType<Record<string, unknown>>(T.OrganizationsPolicy),
    (props, _args, report) => {
        // A malformed RCP is reported by iam-policy-document-valid; its Allow statements by
        // iam-no-wildcard-principal.
        const doc = readRcp(props);
        if (!doc) return;
        const { org, account, trail } = inside(doc);
        for (const s of doc.statements) {
            if (s.effect !== "Deny") continue;
            const outside = actionsOutsideRcpServices(s);
            if (outside.length)
                report(
                    `content ${statementLabel(s)} of the resource control policy denies ${outside.join(", ")}, which RCPs do not apply to (they apply to ${RCP_SERVICES.join(", ")}), so it restricts nothing there. Fix: restrict those actions with a service control policy, and keep only the supported services' actions in the RCP.`,
                );
            const applies = (d: Delivery) =>
                statementApplies(s, d.request, buildContextMap(d.request), doc.variables);
            const blocked = deliveries(s, org, account, trail).filter(applies);
            const services = serviceRequests(s, org, account).filter(applies);
            if (blocked.length || services.length) {
                const what = [
                    ...(blocked.length
                        ? [
                              `CloudTrail (${CLOUDTRAIL}) would be denied ${blocked.map((d) => d.what).join("; ")}, so the organization trail would stop delivering logs in every account the RCP is attached to`,
                          ]
                        : []),
                    ...(services.length
                        ? [
                              `any AWS service acting for the organization's own resources (probed as ${GENERIC_SERVICE}, source account ${account}) would be denied ${quoteList(
                                  [...new Set(services.map((d) => d.what))],
                                  4,
                              )}`,
                          ]
                        : []),
                ];
                report(
                    `content ${statementLabel(s)} of the resource control policy denies AWS services acting for the organization: ${what.join("; and ")}. Fix: exempt AWS services in the Deny's conditions, "BoolIfExists": {"aws:PrincipalIsAWSService": "false"}, or let them through for the organization's own resources only, "StringNotEqualsIfExists": {"aws:SourceOrgID": "${org === PROBE_ORG ? "<org id>" : org}"}.`,
                );
            }
        }
    },
);

/** The organization trails of the stack whose ARN the plan knows (the ARN names the account). */
function organizationTrails(resources: readonly PolicyResource[]): string[] {
    return ofType(resources, T.Trail)
        .filter((t) => t.props.isOrganizationTrail === true)
        .map((t) => t.props.arn)
        .filter((a): a is string => typeof a === "string" && parseArn(a) !== undefined);
}

/**
 * With the stack's own organization trail: an exception that the document pins to some trail or
 * account (inside() takes it as the organization trail's) must let the stack's organization
 * trail through, so CloudTrail's delivery is probed again with that trail's ARN and account.
 * Reported only where the resource-level probe found the statement sound, so nothing is reported
 * twice; a stack without an organization trail is judged by the resource-level probe alone.
 */
function validateStack(args: StackValidationArgs, report: ReportViolation): void {
    const trails = organizationTrails(args.resources);
    if (!trails.length) return;
    for (const r of ofType(args.resources, T.OrganizationsPolicy)) {
        const doc = readRcp(r.props);
        if (!doc) continue;
        const pinned = inside(doc);
        for (const s of doc.statements) {
            if (s.effect !== "Deny") continue;
            const applies = (d: Delivery) =>
                statementApplies(s, d.request, buildContextMap(d.request), doc.variables);
            if (deliveries(s, pinned.org, pinned.account, pinned.trail).some(applies)) continue;
            for (const trail of trails) {
                const account = parseArn(trail)!.account;
                const blocked = deliveries(s, pinned.org, account, trail).filter(applies);
                if (blocked.length)
                    report(
                        `${r.name}: content ${statementLabel(s)} of the resource control policy lets through a trail or account other than this stack's organization trail ${trail}: CloudTrail (${CLOUDTRAIL}) delivering it for account ${account} would be denied ${blocked.map((d) => d.what).join("; ")}. Fix: pin the exception to that trail ("aws:SourceArn": "${trail}") and its account ("aws:SourceAccount": "${account}"), or to the organization ("aws:SourceOrgID").`,
                        r.urn,
                    );
            }
        }
    }
}

export const rcpPerimeterSound: ResourceValidationPolicy &
    Pick<StackValidationPolicy, "validateStack"> = {
    name: NAME,
    description:
        "Resource control policies restrict only services RCPs apply to, and their Deny statements exempt AWS services acting for the organization: none stops CloudTrail delivering the organization trail's logs, and none over every resource of a service (a data perimeter on aws:PrincipalOrgID) stops any AWS service acting for the organization's own resources.",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfTypes(rcp),
    validateStack,
};

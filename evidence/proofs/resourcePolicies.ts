// The trust and resource policies of a plan: every planned resource that carries a policy naming
// principals (a role's trust, a bucket, key, topic, queue, secret, repository, log or file-system
// policy, a Lambda permission, the roles of a StackSet's template), with the ARN of what it
// governs. Read from the planned resources and their properties, not from a list of the program's
// components, so a policy someone adds is examined too (and so is a grant written as properties:
// a layer, AMI or snapshot permission, a RAM association...); one the proofs cannot read is reported as
// such, never skipped. Which types carry which policy is the pack's generated table
// (policypack/model/policyTypes.ts), the same one iam-no-wildcard-principal reads; this module adds
// only what the proofs need beyond it: the ARN each policy governs, and a label.
import { isPolicyInputError, parsePolicyDocument, PolicyDocument } from "../../policypack/iam";
import { arn, iamRoleArn, lambdaFunctionArn, s3BucketArn } from "../../policypack/iam/arn";
import { ModelResource, str } from "../../policypack/model/resources";
import { T } from "../../policypack/policies/types";
import {
    eventPermissionDocument,
    PERMISSION_DOCUMENTS,
    PermissionDocument,
} from "../../policypack/policies/documents";
import { NOT_CHECKED_KINDS, PolicyKind, policyPropsOf } from "../../policypack/model/policyTypes";

export interface PlannedPolicy {
    /** `trust`: a role's trust policy (the role is what it governs); `resource`: any other. */
    readonly kind: "trust" | "resource";
    /** The planned resource that carries the document. */
    readonly carrier: ModelResource;
    /** How messages name the document, e.g. `bucket policy org-trail-bucket-policy`. */
    readonly label: string;
    /** The account the governed resource lives in, when known. */
    readonly accountId?: string;
    /** The governed resource's ARN, when the plan tells it. */
    readonly arn?: string;
    /** Service prefixes of the governed resource, to probe NotAction statements. */
    readonly services: readonly string[];
    readonly doc?: PolicyDocument;
    /** Why the document could not be read; then `doc` is undefined. */
    readonly unreadable?: string;
}

/** How the proofs name a type's policy and, when the plan tells it, the ARN it governs. */
interface Reader {
    readonly label: string;
    readonly arn?: (r: ModelResource, ctx: Context) => string | undefined;
}

interface Context {
    readonly partition: string;
    readonly region: string;
}

const regional = (service: string, resource: (r: ModelResource) => string | undefined) => {
    return (r: ModelResource, c: Context): string | undefined => {
        const tail = resource(r);
        return tail && r.accountId
            ? arn(c.partition, service, c.region, r.accountId, tail)
            : undefined;
    };
};

const bucketArn = (name: string | undefined, c: Context) =>
    name ? s3BucketArn(c.partition, name) : undefined;

const READERS: Record<string, Reader> = {
    [T.Role]: {
        label: "trust policy of role",
        arn: (r, c) =>
            r.accountId
                ? iamRoleArn(
                      c.partition,
                      r.accountId,
                      str(r.props.name) ?? r.name,
                      str(r.props.path) ?? "/",
                  )
                : undefined,
    },
    [T.BucketPolicy]: {
        label: "bucket policy",
        arn: (r, c) => bucketArn(str(r.props.bucket), c),
    },
    [T.Bucket]: {
        label: "bucket policy of bucket",
        arn: (r, c) => bucketArn(str(r.props.bucket) ?? r.id, c),
    },
    [T.BucketV2]: {
        label: "bucket policy of bucket",
        arn: (r, c) => bucketArn(str(r.props.bucket) ?? r.id, c),
    },
    [T.Key]: {
        label: "key policy of key",
        arn: regional("kms", (r) => r.id && `key/${r.id}`),
    },
    [T.KeyPolicy]: {
        label: "key policy",
        arn: regional("kms", (r) => str(r.props.keyId) && `key/${str(r.props.keyId)}`),
    },
    [T.Topic]: {
        label: "topic policy of topic",
        arn: regional("sns", (r) => str(r.props.name) ?? r.id),
    },
    [T.TopicPolicy]: {
        label: "topic policy",
        arn: (r) => str(r.props.arn),
    },
    [T.Queue]: {
        label: "queue policy of queue",
        arn: regional("sqs", (r) => str(r.props.name)),
    },
    [T.QueuePolicy]: {
        label: "queue policy",
        arn: regional("sqs", (r) => str(r.props.queueUrl)?.split("/").pop()),
    },
    [T.SecretPolicy]: {
        label: "secret policy",
        arn: (r) => str(r.props.secretArn),
    },
    [T.EcrRepositoryPolicy]: {
        label: "repository policy",
        arn: regional(
            "ecr",
            (r) => str(r.props.repository) && `repository/${str(r.props.repository)}`,
        ),
    },
    [T.LogResourcePolicy]: {
        label: "CloudWatch Logs resource policy",
    },
    [T.EfsFileSystemPolicy]: {
        label: "file system policy",
        arn: regional(
            "elasticfilesystem",
            (r) => str(r.props.fileSystemId) && `file-system/${str(r.props.fileSystemId)}`,
        ),
    },
    [T.OpenSearchDomainPolicy]: {
        label: "domain access policy",
        arn: regional("es", (r) => str(r.props.domainName) && `domain/${str(r.props.domainName)}`),
    },
    [T.BackupVaultPolicy]: {
        label: "backup vault policy",
        arn: regional(
            "backup",
            (r) => str(r.props.backupVaultName) && `backup-vault:${str(r.props.backupVaultName)}`,
        ),
    },
};

function read(input: unknown, kind: "trust" | "resource" | "any"): PolicyDocument | string {
    if (input === undefined || input === null) return "the policy is not known in the plan";
    try {
        return parsePolicyDocument(input, kind);
    } catch (e) {
        if (isPolicyInputError(e)) return `the policy cannot be read (${e.message})`;
        throw e;
    }
}

function entry(
    carrier: ModelResource,
    kind: "trust" | "resource",
    label: string,
    services: readonly string[],
    input: unknown,
    arn: string | undefined,
    accountId = carrier.accountId,
): PlannedPolicy {
    const doc = read(input, kind);
    return typeof doc === "string"
        ? { kind, carrier, label, services, arn, accountId, unreadable: doc }
        : { kind, carrier, label, services, arn, accountId, doc };
}

/**
 * A Lambda permission is one resource-policy statement written as properties.
 * https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html
 */
function lambdaPermission(r: ModelResource, c: Context): PlannedPolicy {
    const principal = str(r.props.principal);
    const fn = str(r.props.function);
    const arn = fn?.startsWith("arn:")
        ? fn
        : fn && r.accountId
          ? lambdaFunctionArn(c.partition, c.region, r.accountId, fn)
          : undefined;
    const condition: Record<string, Record<string, string>> = {};
    if (str(r.props.sourceArn)) condition.ArnLike = { "aws:SourceArn": str(r.props.sourceArn)! };
    if (str(r.props.sourceAccount))
        condition.StringEquals = { "aws:SourceAccount": str(r.props.sourceAccount)! };
    if (str(r.props.principalOrgId))
        condition.StringEquals = {
            ...(condition.StringEquals ?? {}),
            "aws:PrincipalOrgID": str(r.props.principalOrgId)!,
        };
    const who =
        principal === undefined
            ? undefined
            : principal === "*" || /^\d{12}$/.test(principal) || principal.startsWith("arn:")
              ? { AWS: principal }
              : { Service: principal };
    const statement = who && {
        Sid: r.name,
        Effect: "Allow",
        Principal: who,
        Action: str(r.props.action) ?? "lambda:InvokeFunction",
        Resource: arn ?? "*",
        ...(Object.keys(condition).length ? { Condition: condition } : {}),
    };
    return entry(
        r,
        "resource",
        `Lambda permission ${r.name}`,
        ["lambda"],
        statement && { Version: "2012-10-17", Statement: [statement] },
        arn,
    );
}

interface TemplateResource {
    Type?: string;
    Properties?: Record<string, unknown>;
}

/** CloudFormation types whose property is a resource policy, and the property. */
const TEMPLATE_POLICIES: Record<string, { prop: string; services: string[] }> = {
    "AWS::S3::BucketPolicy": { prop: "PolicyDocument", services: ["s3"] },
    "AWS::KMS::Key": { prop: "KeyPolicy", services: ["kms"] },
    "AWS::SNS::TopicPolicy": { prop: "PolicyDocument", services: ["sns"] },
    "AWS::SQS::QueuePolicy": { prop: "PolicyDocument", services: ["sqs"] },
};
const TEMPLATE_IDENTITY = new Set([
    "AWS::IAM::Policy",
    "AWS::IAM::ManagedPolicy",
    "AWS::IAM::UserPolicy",
    "AWS::IAM::GroupPolicy",
    "AWS::IAM::RolePolicy",
]);

/**
 * The policies of a StackSet's template, in every account it deploys to: a role's trust, and the
 * resource policies the template declares. A template resource with a policy-like property this
 * reader does not know is reported unreadable.
 */
function stackSetPolicies(
    r: ModelResource,
    c: Context,
    accounts: readonly string[],
): PlannedPolicy[] {
    let body: { Resources?: Record<string, TemplateResource> };
    try {
        body = JSON.parse(String(r.props.templateBody ?? "")) as typeof body;
    } catch (e) {
        if (!(e instanceof SyntaxError)) throw e;
        return [
            {
                kind: "resource",
                carrier: r,
                label: `StackSet ${r.name} template`,
                services: [],
                unreadable: "the template is not JSON, so its policies cannot be read",
            },
        ];
    }
    const out: PlannedPolicy[] = [];
    for (const [logicalId, res] of Object.entries(body.Resources ?? {})) {
        const p = res.Properties ?? {};
        const where = `StackSet ${r.name} ${res.Type ?? "?"} ${logicalId}`;
        if (res.Type === "AWS::IAM::Role") {
            const name = str(p.RoleName) ?? logicalId;
            // One document for every account: checked once, named for the first.
            out.push(
                entry(
                    r,
                    "trust",
                    `trust policy of ${where}`,
                    ["sts"],
                    p.AssumeRolePolicyDocument,
                    accounts.length
                        ? iamRoleArn(c.partition, accounts[0], name, str(p.Path) ?? "/")
                        : undefined,
                    accounts[0],
                ),
            );
            continue;
        }
        const known = res.Type && TEMPLATE_POLICIES[res.Type];
        if (known) {
            out.push(
                entry(
                    r,
                    "resource",
                    `policy of ${where}`,
                    known.services,
                    p[known.prop],
                    undefined,
                    accounts[0],
                ),
            );
            continue;
        }
        if (res.Type && TEMPLATE_IDENTITY.has(res.Type)) continue;
        const policyProps = Object.keys(p).filter((k) => /Polic(y|ies)(Document)?$/.test(k));
        if (policyProps.length)
            out.push({
                kind: "resource",
                carrier: r,
                label: `${where} (${policyProps.join(", ")})`,
                services: [],
                unreadable: `this proof does not know how ${res.Type} applies ${policyProps.join(", ")}`,
            });
    }
    return out;
}

/** The grant readers beyond the Lambda and EventBridge permissions read above, by type. */
const GRANTS: ReadonlyMap<string, PermissionDocument> = new Map(
    PERMISSION_DOCUMENTS.filter(
        (d) => d.type !== T.LambdaPermission && d.type !== T.EventPermission,
    ).map((d) => [d.type, d]),
);

/** The table's kinds this reader examines: trust and resource policies, and those it cannot read. */
const READ_KINDS: ReadonlySet<PolicyKind> = new Set(["trust", "resource", ...NOT_CHECKED_KINDS]);

/** Types that exist to hold a policy (`aws:s3/bucketPolicy:BucketPolicy`, `...:ResourcePolicy`). */
const HOLDS_A_POLICY = /(Policy|Permissions)$/;

/**
 * Every trust and resource policy of the planned resources. `accounts` are the accounts a
 * StackSet of the plan deploys to.
 */
export function plannedPolicies(
    resources: readonly ModelResource[],
    c: Context & { readonly stackSetAccounts?: readonly string[] },
): PlannedPolicy[] {
    const out: PlannedPolicy[] = [];
    for (const r of resources) {
        if (r.type === T.LambdaPermission) {
            out.push(lambdaPermission(r, c));
            continue;
        }
        if (r.type === T.EventPermission) {
            // One statement of the bus's resource policy, built as the pack builds it.
            out.push(
                entry(
                    r,
                    "resource",
                    `EventBridge permission ${r.name}`,
                    ["events"],
                    eventPermissionDocument(r.props),
                    regional(
                        "events",
                        (x) => `event-bus/${str(x.props.eventBusName) ?? "default"}`,
                    )(r, c),
                ),
            );
            continue;
        }
        if (r.type === T.StackSet) {
            out.push(...stackSetPolicies(r, c, c.stackSetAccounts ?? []));
            continue;
        }
        // Every other grant written as properties (a layer, AMI or snapshot permission, a RAM
        // association...: policypack/policies/grants.ts), as the statement it stands for.
        const grant = GRANTS.get(r.type);
        if (grant) {
            out.push(
                entry(
                    r,
                    "resource",
                    `${grant.label} ${r.name}`,
                    [grant.service],
                    grant.build(r.props),
                    undefined,
                ),
            );
            continue;
        }
        for (const p of policyPropsOf(r.type, r.props, READ_KINDS)) {
            const label = `${READERS[r.type]?.label ?? `${p.where} of ${r.type}`} ${r.name}`;
            if (NOT_CHECKED_KINDS.has(p.kind)) {
                if (p.value === undefined || p.value === null || p.value === "") continue;
                out.push({
                    kind: "resource",
                    carrier: r,
                    label,
                    services: [p.service],
                    accountId: r.accountId,
                    unreadable: `${p.where} is ${p.kind === "unknown" ? "a policy the table of policy-carrying types has not classified" : "an access policy in a language other than IAM's"}`,
                });
                continue;
            }
            // An optional policy left out means none (a bucket, topic or key without an inline
            // policy); a resource that exists to hold a policy and has none the plan knows is
            // reported, never skipped.
            if (
                (p.value === undefined || p.value === null || p.value === "") &&
                p.kind !== "trust" &&
                !HOLDS_A_POLICY.test(r.type)
            )
                continue;
            const kind = p.kind === "trust" ? "trust" : "resource";
            out.push(
                entry(
                    r,
                    kind,
                    label,
                    kind === "trust" ? ["sts"] : [p.service],
                    p.value,
                    READERS[r.type]?.arn?.(r, c),
                ),
            );
        }
    }
    return out;
}

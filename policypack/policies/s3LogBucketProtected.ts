/**
 * s3-log-bucket-protected (mandatory): buckets that receive audit logs are private, refuse
 * plain-HTTP access and keep old object versions. A log bucket is one a CloudTrail trail of the
 * stack writes to, one whose bucket policy lets a log-delivery service write, or one listed in
 * `logBuckets`.
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html
 */
import { PolicyResource, StackValidationPolicy, UnknownValueError } from "@pulumi/policy";
import { evaluateRequest, PolicyDocument, RequestPrincipal, statementMatchesAction } from "../iam";
import { PROBE_PARTITION, s3ObjectArn } from "../iam/arn";
import { known, readDocument } from "./common";
import { T } from "./types";
import { indexBy, lookup, namesOf, ofType } from "../model/references";

export const NAME = "s3-log-bucket-protected";

const LOG_SERVICES = [
    "cloudtrail.amazonaws.com",
    "delivery.logs.amazonaws.com",
    "logging.s3.amazonaws.com",
    "config.amazonaws.com",
];
const BUCKET_TYPES = [T.Bucket, T.BucketV2];

interface Config {
    logBuckets: string[];
    requirePublicAccessBlock: boolean;
    requireSecureTransport: boolean;
    requireVersioning: boolean;
    requireObjectLock: boolean;
}

function writesLogs(doc: PolicyDocument): boolean {
    return doc.statements.some(
        (s) =>
            s.effect === "Allow" &&
            (s.principal?.service ?? []).some((svc) => LOG_SERVICES.includes(svc.toLowerCase())) &&
            statementMatchesAction(s, "s3:PutObject"),
    );
}

/** Plain-HTTP requests (aws:SecureTransport=false) to read or write objects are explicitly denied. */
function deniesInsecureTransport(docs: PolicyDocument[], bucketName: string | undefined): boolean {
    const callers: RequestPrincipal[] = [
        { type: "anonymous" },
        {
            type: "aws",
            kind: "user",
            arn: "arn:aws:iam::999999999999:user/zq9",
            account: "999999999999",
            partition: "aws",
            name: "zq9",
        },
    ];
    const resource = bucketName
        ? s3ObjectArn(PROBE_PARTITION, bucketName, "zq9-object")
        : undefined;
    return ["s3:GetObject", "s3:PutObject"].every((action) =>
        callers.every(
            (principal) =>
                evaluateRequest(docs, {
                    principal,
                    action,
                    resource,
                    context: { "aws:SecureTransport": "false" },
                }).decision === "ExplicitDeny",
        ),
    );
}

function allTrue(r: PolicyResource): boolean {
    return [
        "blockPublicAcls",
        "blockPublicPolicy",
        "ignorePublicAcls",
        "restrictPublicBuckets",
    ].every((k) => r.props[k] === true);
}

export const s3LogBucketProtected: StackValidationPolicy = {
    name: NAME,
    description:
        "Audit-log buckets block public access, deny non-TLS requests and keep object versions.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            logBuckets: {
                type: "array",
                items: { type: "string" },
                default: [],
                description: "Extra bucket names (or Pulumi names) to treat as log buckets.",
            },
            requirePublicAccessBlock: {
                type: "boolean",
                default: true,
                description: "Require a public access block with all four settings on.",
            },
            requireSecureTransport: {
                type: "boolean",
                default: true,
                description: "Require a bucket policy that denies aws:SecureTransport=false.",
            },
            requireVersioning: {
                type: "boolean",
                default: true,
                description: "Require versioning (or object lock).",
            },
            requireObjectLock: {
                type: "boolean",
                default: false,
                description: "Require S3 Object Lock.",
            },
        },
    },
    validateStack: (args, report) => {
        const cfg = args.getConfig<Config>();
        const buckets = ofType(args.resources, ...BUCKET_TYPES);
        if (buckets.length === 0) return;
        const trails = indexBy(ofType(args.resources, T.Trail), "s3BucketName");
        const policies = indexBy(ofType(args.resources, T.BucketPolicy), "bucket");
        const pabs = indexBy(ofType(args.resources, T.BucketPublicAccessBlock), "bucket");
        const accountPab = ofType(args.resources, T.AccountPublicAccessBlock).some(allTrue);
        const versionings = indexBy(
            ofType(args.resources, T.BucketVersioning, T.BucketVersioningV2),
            "bucket",
        );
        const locks = indexBy(
            ofType(
                args.resources,
                T.BucketObjectLockConfiguration,
                T.BucketObjectLockConfigurationV2,
            ),
            "bucket",
        );

        // A bucket policy that is not known yet (a first preview) does not stop the check: every
        // violation the known props show is reported, and the policy gives up (the engine's
        // "can't run during preview") only where the unknown document could change the verdict.
        let pending: UnknownValueError | undefined;
        for (const b of buckets) {
            const names = namesOf(b, "bucket");
            const docs: PolicyDocument[] = [];
            let unknownDoc: UnknownValueError | undefined;
            const read = (get: () => unknown) => {
                const doc = known(() => readDocument(get(), "resource"));
                if ("unknown" in doc) unknownDoc = doc.unknown;
                else if (doc.value) docs.push(doc.value);
            };
            read(() => b.props.policy);
            for (const p of lookup(policies, "bucket", names)) read(() => p.props.policy);
            const isLog =
                lookup(trails, "s3BucketName", names).length > 0 ||
                (cfg.logBuckets ?? []).some((n) => names.includes(n)) ||
                docs.some(writesLogs);
            if (!isLog) {
                // Whether the unknown policy lets a log service write is unknown too.
                pending = pending ?? unknownDoc;
                continue;
            }

            const problems: string[] = [];
            if (
                cfg.requirePublicAccessBlock !== false &&
                !accountPab &&
                !lookup(pabs, "bucket", names).some(allTrue)
            ) {
                problems.push(
                    "no public access block with blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets all true (add an aws.s3.BucketPublicAccessBlock)",
                );
            }
            const bucketName =
                typeof b.props.bucket === "string" && b.props.bucket !== ""
                    ? b.props.bucket
                    : undefined;
            if (cfg.requireSecureTransport !== false && unknownDoc) {
                // The unknown document may be the one that denies plain HTTP.
                pending = pending ?? unknownDoc;
            } else if (
                cfg.requireSecureTransport !== false &&
                !deniesInsecureTransport(docs, bucketName)
            ) {
                problems.push(
                    'its bucket policy does not deny plain-HTTP access (add a statement {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": [bucket ARN, bucket ARN + "/*"], "Condition": {"Bool": {"aws:SecureTransport": "false"}}})',
                );
            }
            const objectLock =
                b.props.objectLockEnabled === true ||
                (b.props.objectLockConfiguration as { objectLockEnabled?: string } | undefined)
                    ?.objectLockEnabled === "Enabled" ||
                lookup(locks, "bucket", names).length > 0;
            const versioned =
                (b.props.versioning as { enabled?: boolean } | undefined)?.enabled === true ||
                lookup(versionings, "bucket", names).some(
                    (v) =>
                        (v.props.versioningConfiguration as { status?: string } | undefined)
                            ?.status === "Enabled",
                );
            if (cfg.requireVersioning !== false && !versioned && !objectLock) {
                problems.push(
                    'versioning is not enabled (add an aws.s3.BucketVersioning with versioningConfiguration.status "Enabled")',
                );
            }
            if (cfg.requireObjectLock === true && !objectLock)
                problems.push("S3 Object Lock is not enabled (set objectLockEnabled: true)");
            if (problems.length)
                report(
                    `Log bucket "${b.props.bucket ?? b.name}" is not protected: ${problems.join("; ")}.`,
                    b.urn,
                );
        }
        if (pending) throw pending;
    },
};

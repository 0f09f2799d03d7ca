import * as assert from "assert";
import * as aws from "@pulumi/aws";
import { s3LogBucketProtected } from "../../policypack/policies";
import { checkResources } from "../../policypack/runner";
import {
    assertViolations,
    policyDoc,
    runStackPolicy,
    StackResourceSpec,
    typeOf,
    UNKNOWN_STRING,
} from "./helpers";

describe("s3-log-bucket-protected", () => {
    const tls = {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: ["arn:aws:s3:::org-logs", "arn:aws:s3:::org-logs/*"],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
    };
    const cloudtrailWrite = {
        Effect: "Allow",
        Principal: { Service: "cloudtrail.amazonaws.com" },
        Action: "s3:PutObject",
        Resource: "arn:aws:s3:::org-logs/AWSLogs/*",
        Condition: {
            StringEquals: {
                "aws:SourceArn": "arn:aws:cloudtrail:us-east-1:111111111111:trail/org",
            },
        },
    };
    const full = (): StackResourceSpec[] => [
        { type: aws.s3.Bucket, name: "logs", props: { bucket: "org-logs" } },
        {
            type: aws.s3.BucketPolicy,
            name: "logs-policy",
            props: { bucket: "org-logs", policy: policyDoc(tls, cloudtrailWrite) },
        },
        {
            type: aws.s3.BucketPublicAccessBlock,
            name: "logs-pab",
            props: {
                bucket: "org-logs",
                blockPublicAcls: true,
                blockPublicPolicy: true,
                ignorePublicAcls: true,
                restrictPublicBuckets: true,
            },
        },
        {
            type: aws.s3.BucketVersioning,
            name: "logs-versioning",
            props: { bucket: "org-logs", versioningConfiguration: { status: "Enabled" } },
        },
    ];
    it("passes a protected log bucket", async () => {
        assertViolations(await runStackPolicy(s3LogBucketProtected, full()), 0);
    });
    it("detects log buckets by their bucket policy and flags each missing protection", async () => {
        const noPab = full().filter((r) => r.name !== "logs-pab");
        assertViolations(
            await runStackPolicy(s3LogBucketProtected, noPab),
            1,
            "public access block",
        );
        const noVersioning = full().filter((r) => r.name !== "logs-versioning");
        assertViolations(await runStackPolicy(s3LogBucketProtected, noVersioning), 1, "versioning");
        const noTls = full().map((r) =>
            r.name === "logs-policy"
                ? { ...r, props: { bucket: "org-logs", policy: policyDoc(cloudtrailWrite) } }
                : r,
        );
        assertViolations(await runStackPolicy(s3LogBucketProtected, noTls), 1, "plain-HTTP");
        const ifExistsTls = full().map((r) =>
            r.name === "logs-policy"
                ? {
                      ...r,
                      props: {
                          bucket: "org-logs",
                          policy: policyDoc(
                              {
                                  ...tls,
                                  Condition: { Bool: { "aws:SecureTransport": "true" } },
                                  Effect: "Allow",
                              },
                              cloudtrailWrite,
                          ),
                      },
                  }
                : r,
        );
        assertViolations(await runStackPolicy(s3LogBucketProtected, ifExistsTls), 1, "plain-HTTP");
    });
    it("detects log buckets named by a trail, and ignores other buckets", async () => {
        const r = await runStackPolicy(s3LogBucketProtected, [
            { type: aws.s3.Bucket, name: "trail-bucket", props: { bucket: "t-logs" } },
            { type: aws.cloudtrail.Trail, name: "trail", props: { s3BucketName: "t-logs" } },
            { type: aws.s3.Bucket, name: "assets", props: { bucket: "assets" } },
        ]);
        assertViolations(r, 1, '"t-logs"');
        assert.ok(r.violations[0].urn?.endsWith("::trail-bucket"));
    });
    it("accepts an account-level public access block and object lock", async () => {
        const specs = full().filter((r) => r.name !== "logs-pab" && r.name !== "logs-versioning");
        specs.push({
            type: aws.s3.AccountPublicAccessBlock,
            name: "account-pab",
            props: {
                blockPublicAcls: true,
                blockPublicPolicy: true,
                ignorePublicAcls: true,
                restrictPublicBuckets: true,
            },
        });
        specs[0] = { ...specs[0], props: { bucket: "org-logs", objectLockEnabled: true } };
        assertViolations(
            await runStackPolicy(s3LogBucketProtected, specs, { requireObjectLock: true }),
            0,
        );
    });

    describe("with a bucket policy not known yet (a first preview)", () => {
        /** The specs as the engine sends them, through the runner, which records the engine's notes. */
        const check = (specs: StackResourceSpec[]) =>
            checkResources(
                specs.map((r) => ({ type: typeOf(r.type), name: r.name, props: r.props })),
                undefined,
                { policies: [s3LogBucketProtected] },
            ).map((v) => `${v.enforcementLevel}: ${v.message}`);
        const trail: StackResourceSpec = {
            type: aws.cloudtrail.Trail,
            name: "trail",
            props: { s3BucketName: "org-logs" },
        };
        const unknownPolicy = (specs: StackResourceSpec[]) =>
            specs.map((r) =>
                r.name === "logs-policy"
                    ? { ...r, props: { ...r.props, policy: UNKNOWN_STRING } }
                    : r,
            );
        const cannotRun =
            "advisory: can't run policy 's3-log-bucket-protected' from policy pack 'org-access-guard' during preview: string value at .policy can't be known during preview";

        it("still reports what the known props show, and gives up only on the TLS check", () => {
            const specs = unknownPolicy([...full(), trail]).filter((r) => r.name !== "logs-pab");
            const found = check(specs);
            assert.strictEqual(found.length, 2, found.join("\n"));
            assert.ok(
                found[0].startsWith(
                    'mandatory: Log bucket "org-logs" is not protected: no public access block',
                ),
                found[0],
            );
            assert.ok(!found[0].includes("plain-HTTP"), found[0]);
            assert.strictEqual(found[1], cannotRun);
        });

        it("with every known protection in place, only the engine's note remains", () => {
            assert.deepStrictEqual(check(unknownPolicy([...full(), trail])), [cannotRun]);
        });

        it("a bucket that only its unknown policy could make a log bucket is undecided, not passed", () => {
            assert.deepStrictEqual(check(unknownPolicy(full())), [cannotRun]);
        });
    });
});

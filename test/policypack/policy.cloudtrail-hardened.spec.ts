import * as aws from "@pulumi/aws";
import { cloudtrailHardened } from "../../policypack/policies";
import { UnknownValueError } from "@pulumi/policy";
import * as assert from "assert";
import { assertViolations, Json, runResourcePolicy, UNKNOWN_STRING } from "./helpers";

describe("cloudtrail-hardened", () => {
    const good = {
        name: "org",
        s3BucketName: "logs",
        isMultiRegionTrail: true,
        includeGlobalServiceEvents: true,
        enableLogFileValidation: true,
        kmsKeyId: "arn:aws:kms:us-east-1:1:key/k",
        isOrganizationTrail: true,
        cloudWatchLogsGroupArn: "g",
        cloudWatchLogsRoleArn: "r",
    };
    it("passes a hardened trail", async () => {
        assertViolations(
            await runResourcePolicy(cloudtrailHardened, aws.cloudtrail.Trail, good, {
                config: { requireCloudWatchLogs: true, requireOrganizationTrail: true },
            }),
            0,
        );
    });
    const bad: Array<[string, Json, string]> = [
        ["single-region", { isMultiRegionTrail: false }, "isMultiRegionTrail"],
        ["no global events", { includeGlobalServiceEvents: false }, "includeGlobalServiceEvents"],
        ["no log validation", { enableLogFileValidation: undefined }, "enableLogFileValidation"],
        ["no KMS", { kmsKeyId: "" }, "kmsKeyId"],
        ["logging off", { enableLogging: false }, "enableLogging"],
    ];
    for (const [what, change, fragment] of bad) {
        it(`flags ${what}`, async () => {
            assertViolations(
                await runResourcePolicy(cloudtrailHardened, aws.cloudtrail.Trail, {
                    ...good,
                    ...change,
                }),
                1,
                fragment,
                '"org"',
            );
        });
    }
    it("flags missing CloudWatch Logs and organization trail only when configured", async () => {
        const plain = { ...good, isOrganizationTrail: false, cloudWatchLogsGroupArn: undefined };
        assertViolations(
            await runResourcePolicy(cloudtrailHardened, aws.cloudtrail.Trail, plain),
            0,
        );
        assertViolations(
            await runResourcePolicy(cloudtrailHardened, aws.cloudtrail.Trail, plain, {
                config: { requireCloudWatchLogs: true, requireOrganizationTrail: true },
            }),
            1,
            "CloudWatch",
            "organization",
        );
    });

    // A first preview: the key (and the log group and role) are created by the same update, so
    // their ARNs are unknown; that the trail names them is what the policy needs.
    it("decides on a kmsKeyId that is set but not known yet, and still checks the rest", async () => {
        const config = { requireCloudWatchLogs: true, requireOrganizationTrail: true };
        const preview = {
            ...good,
            kmsKeyId: UNKNOWN_STRING,
            cloudWatchLogsGroupArn: UNKNOWN_STRING,
            cloudWatchLogsRoleArn: UNKNOWN_STRING,
        };
        assertViolations(
            await runResourcePolicy(cloudtrailHardened, aws.cloudtrail.Trail, preview, { config }),
            0,
        );
        assertViolations(
            await runResourcePolicy(
                cloudtrailHardened,
                aws.cloudtrail.Trail,
                { ...preview, enableLogFileValidation: false },
                { config },
            ),
            1,
            "enableLogFileValidation",
        );
        // A key that is not named at all is still a violation.
        assertViolations(
            await runResourcePolicy(cloudtrailHardened, aws.cloudtrail.Trail, {
                ...preview,
                kmsKeyId: undefined,
            }),
            1,
            "kmsKeyId",
        );
    });

    it("still gives up on a setting whose value it must read", async () => {
        await assert.rejects(
            runResourcePolicy(cloudtrailHardened, aws.cloudtrail.Trail, {
                ...good,
                enableLogFileValidation: UNKNOWN_STRING,
            }),
            UnknownValueError,
        );
    });
});

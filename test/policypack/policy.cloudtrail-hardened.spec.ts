import * as aws from "@pulumi/aws";
import { cloudtrailHardened } from "../../policypack/policies";
import { assertViolations, Json, runResourcePolicy } from "./helpers";

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
});

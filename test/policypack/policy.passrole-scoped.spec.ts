import * as aws from "@pulumi/aws";
import { iamPassRoleScoped } from "../../policypack/policies";
import { assertViolations, policyDoc, runResourcePolicy } from "./helpers";

describe("iam-passrole-scoped (advisory)", () => {
    it("flags PassRole on every role, passes named roles", async () => {
        const any = policyDoc({
            Effect: "Allow",
            Action: "iam:PassRole",
            Resource: "arn:aws:iam::123456789012:role/*",
        });
        assertViolations(
            await runResourcePolicy(iamPassRoleScoped, aws.iam.Policy, { policy: any }),
            1,
            "iam:PassRole",
            "iam:PassedToService",
        );
        const named = policyDoc({
            Effect: "Allow",
            Action: "iam:PassRole",
            Resource: "arn:aws:iam::123456789012:role/app",
        });
        assertViolations(
            await runResourcePolicy(iamPassRoleScoped, aws.iam.GroupPolicy, {
                group: "g",
                policy: named,
            }),
            0,
        );
    });
});

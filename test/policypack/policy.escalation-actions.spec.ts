import * as aws from "@pulumi/aws";
import { iamNoEscalationActions } from "../../policypack/policies";
import { assertViolations, policyDoc, runResourcePolicy } from "./helpers";

describe("iam-no-escalation-actions (advisory)", () => {
    it("flags single-action escalations on every resource", async () => {
        const doc = policyDoc({
            Effect: "Allow",
            Action: ["lambda:UpdateFunctionCode", "s3:GetObject"],
            Resource: "*",
        });
        assertViolations(
            await runResourcePolicy(iamNoEscalationActions, aws.iam.RolePolicy, {
                role: "ci",
                policy: doc,
            }),
            1,
            "lambda:UpdateFunctionCode",
        );
        const assume = policyDoc({ Effect: "Allow", Action: "sts:AssumeRole", Resource: "*" });
        assertViolations(
            await runResourcePolicy(iamNoEscalationActions, aws.iam.GroupPolicy, {
                group: "g",
                policy: assume,
            }),
            1,
            "sts:AssumeRole",
        );
    });
    it("passes scoped grants and honours the configured list", async () => {
        const scoped = policyDoc({
            Effect: "Allow",
            Action: "lambda:UpdateFunctionCode",
            Resource: "arn:aws:lambda:us-east-1:123456789012:function:app",
        });
        assertViolations(
            await runResourcePolicy(iamNoEscalationActions, aws.iam.RolePolicy, {
                role: "ci",
                policy: scoped,
            }),
            0,
        );
        const doc = policyDoc({
            Effect: "Allow",
            Action: "lambda:UpdateFunctionCode",
            Resource: "*",
        });
        assertViolations(
            await runResourcePolicy(
                iamNoEscalationActions,
                aws.iam.RolePolicy,
                { role: "ci", policy: doc },
                { config: { actions: ["ssm:SendCommand"] } },
            ),
            0,
        );
    });
});

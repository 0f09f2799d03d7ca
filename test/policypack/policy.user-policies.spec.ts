import * as assert from "assert";
import * as aws from "@pulumi/aws";
import { iamNoUserPolicies } from "../../policypack/policies";
import { assertViolations, policyDoc, runResourcePolicy } from "./helpers";

describe("iam-no-user-policies", () => {
    it("flags inline and directly attached user policies", async () => {
        const doc = policyDoc({ Effect: "Allow", Action: "s3:ListBucket", Resource: "*" });
        assertViolations(
            await runResourcePolicy(iamNoUserPolicies, aws.iam.UserPolicy, {
                user: "bob",
                policy: doc,
            }),
            1,
            '"bob"',
            "groups",
        );
        assertViolations(
            await runResourcePolicy(iamNoUserPolicies, aws.iam.UserPolicyAttachment, {
                user: "bob",
                policyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess",
            }),
            1,
        );
        assertViolations(
            await runResourcePolicy(iamNoUserPolicies, aws.iam.PolicyAttachment, {
                policyArn: "x",
                users: ["bob"],
                groups: ["ops"],
            }),
            1,
            '"bob"',
        );
        assertViolations(
            await runResourcePolicy(iamNoUserPolicies, aws.iam.UserPolicyAttachmentsExclusive, {
                userName: "bob",
                policyArns: ["x"],
            }),
            1,
        );
    });
    it("passes group policies, group-only attachments and empty exclusive lists", async () => {
        assertViolations(
            await runResourcePolicy(iamNoUserPolicies, aws.iam.PolicyAttachment, {
                policyArn: "x",
                groups: ["ops"],
            }),
            0,
        );
        assertViolations(
            await runResourcePolicy(iamNoUserPolicies, aws.iam.UserPolicyAttachmentsExclusive, {
                userName: "bob",
                policyArns: [],
            }),
            0,
        );
        assert.ok(
            (
                await runResourcePolicy(iamNoUserPolicies, aws.iam.GroupPolicy, {
                    group: "ops",
                    policy: "{}",
                })
            ).notApplicable,
        );
    });
});

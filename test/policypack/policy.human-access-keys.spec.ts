import * as assert from "assert";
import * as aws from "@pulumi/aws";
import { iamNoHumanAccessKeys } from "../../policypack/policies";
import { assertViolations, runStackPolicy } from "./helpers";

describe("iam-no-human-access-keys", () => {
    it("flags access keys of users with a login profile or a human tag", async () => {
        const r = await runStackPolicy(iamNoHumanAccessKeys, [
            { type: aws.iam.User, name: "alice", props: { name: "alice" } },
            { type: aws.iam.UserLoginProfile, name: "alice-login", props: { user: "alice" } },
            { type: aws.iam.AccessKey, name: "alice-key", props: { user: "alice" } },
            {
                type: aws.iam.User,
                name: "bob",
                props: { name: "bob", tags: { "org-access:principal-type": "human" } },
            },
            { type: aws.iam.AccessKey, name: "bob-key", props: { user: "bob" } },
            {
                type: aws.iam.User,
                name: "reporter",
                props: { name: "reporter", tags: { "org-access:principal-type": "reporter" } },
            },
            { type: aws.iam.AccessKey, name: "reporter-key", props: { user: "reporter" } },
        ]);
        assertViolations(r, 2, "human", "Fix:");
        assert.deepStrictEqual(
            r.violations.map((v) => v.urn?.split("::").pop()),
            ["alice-key", "bob-key"],
        );
    });
});

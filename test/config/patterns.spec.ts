import * as assert from "assert";
import { trustProblems } from "../../components/auditRole";
import {
    isExactRoleArn,
    isExternalId,
    principalAccountId,
    principalProblem,
    REGION_NAME,
} from "../../config/patterns";
import { trustedPrincipalsSchema } from "../../config/schema";

const SECURITY = "111122223333";

describe("config/patterns: one rule for each AWS identifier", () => {
    it("reads the account of an exact IAM user or role ARN, with or without a path, and nothing else", () => {
        assert.strictEqual(principalAccountId(`arn:aws:iam::${SECURITY}:user/alice`), SECURITY);
        assert.strictEqual(
            principalAccountId(`arn:aws-us-gov:iam::${SECURITY}:role/org-access/ci/deployer`),
            SECURITY,
        );
        for (const arn of [
            `arn:aws:iam::${SECURITY}:root`,
            `arn:aws:iam::${SECURITY}:group/auditors`,
            `arn:aws:sts::${SECURITY}:assumed-role/x/y`,
            `arn:aws:iam::11112222333:user/alice`,
            `arn:aws:iam::${SECURITY}:user/`,
            "*",
        ])
            assert.strictEqual(principalAccountId(arn), undefined, arn);
    });

    it("tells a principal that is not exact from one of another account", () => {
        assert.strictEqual(
            principalProblem(`arn:aws:iam::${SECURITY}:user/alice`, SECURITY),
            undefined,
        );
        assert.strictEqual(
            principalProblem(`arn:aws:iam::777788889999:user/alice`, SECURITY),
            "other-account",
        );
        assert.strictEqual(
            principalProblem(`arn:aws:iam::${SECURITY}:root`, SECURITY),
            "not-exact",
        );
        // A raw config value that is not a string never matches an account.
        assert.strictEqual(
            principalProblem(`arn:aws:iam::${SECURITY}:user/alice`, undefined),
            "other-account",
        );
    });

    it("accepts an ExternalId of 2-1224 characters of the STS alphabet only", () => {
        for (const ok of ["ab", "ext-id-0123456789abcdef", "a:b/c=d,e.f@g+h_i", "x".repeat(1224)])
            assert.ok(isExternalId(ok), ok);
        for (const bad of ["a", "", "x".repeat(1225), "has space", "star*", 42, undefined])
            assert.ok(!isExternalId(bad), String(bad));
    });

    it("takes an exact role ARN only: no wildcard in the path or name, no user, no root", () => {
        assert.ok(isExactRoleArn(`arn:aws:iam::${SECURITY}:role/OrgAccessPreviewRole`));
        assert.ok(isExactRoleArn(`arn:aws-cn:iam::${SECURITY}:role/path/to/Role`));
        for (const arn of [
            `arn:aws:iam::${SECURITY}:role/*`,
            `arn:aws:iam::${SECURITY}:role/pa*th/Role`,
            `arn:aws:iam::${SECURITY}:role/Ro?e`,
            `arn:aws:iam::${SECURITY}:user/alice`,
            `arn:aws:iam::${SECURITY}:root`,
            "arn:aws:iam::*:role/OrgAccessPreviewRole",
        ])
            assert.ok(!isExactRoleArn(arn), arn);
    });

    it("knows region names", () => {
        for (const r of ["us-east-1", "eu-west-3", "us-gov-west-1", "ap-southeast-5"])
            assert.ok(REGION_NAME.test(r), r);
        for (const r of ["us-east", "US-EAST-1", "useast1", "us-east-123"])
            assert.ok(!REGION_NAME.test(r), r);
    });

    it("lets the config schema and the audit role's own check agree on every principal", () => {
        const arns = [
            `arn:aws:iam::${SECURITY}:user/alice`,
            `arn:aws:iam::${SECURITY}:role/org-access/reporter`,
            `arn:aws:iam::${SECURITY}:user/*`,
            `arn:aws:iam::${SECURITY}:root`,
            `arn:aws:iam::${SECURITY}:group/auditors`,
        ];
        for (const arn of arns) {
            const schema = trustedPrincipalsSchema.safeParse({ humanArns: [arn] }).success;
            const component = trustProblems(SECURITY, [arn], []).length === 0;
            assert.strictEqual(schema, component, arn);
        }
    });
});

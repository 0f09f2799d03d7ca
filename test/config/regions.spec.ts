import * as assert from "assert";
import { Region } from "@pulumi/aws/types/enums";
import { ConfigError, partitionOf, validateSecurityConfig } from "../../config";
import { securityValues } from "../helpers";
import { REGIONS, regionProblems, regionsOf, SUPPORTED_PARTITIONS } from "../../config/regions";

// The provider version the refusals name, read here as a user would: from its package.json.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const AWS_VERSION: string = require("@pulumi/aws/package.json").version;

const problemOf = (region: string | undefined) =>
    regionProblems(region).map((p) => `* ${p.path}: ${p.message} (${p.fix})`);

describe("aws:region, checked against its partition's regions", () => {
    it("takes its regions from the AWS provider's Region enum", () => {
        assert.deepStrictEqual([...REGIONS].sort(), Object.values(Region).sort());
    });

    it("accepts every region of a supported partition, in aws, aws-cn and aws-us-gov alike", () => {
        for (const partition of SUPPORTED_PARTITIONS)
            for (const region of regionsOf(partition))
                assert.deepStrictEqual(problemOf(region), [], region);
        assert.ok(regionsOf("aws").includes("eu-west-1"));
        assert.deepStrictEqual(regionsOf("aws-cn").sort(), ["cn-north-1", "cn-northwest-1"]);
        assert.deepStrictEqual(regionsOf("aws-us-gov").sort(), ["us-gov-east-1", "us-gov-west-1"]);
    });

    it("names the partition and suggests its closest region", () => {
        assert.deepStrictEqual(problemOf("us-est-1"), [
            `* aws:region: "us-est-1" is not a region of the aws partition (did you mean us-east-1?) (pulumi config set aws:region us-east-1)`,
        ]);
        assert.deepStrictEqual(problemOf("cn-nrth-1"), [
            `* aws:region: "cn-nrth-1" is not a region of the aws-cn partition (did you mean cn-north-1?) (pulumi config set aws:region cn-north-1)`,
        ]);
        assert.deepStrictEqual(problemOf("us-gov-wets-1"), [
            `* aws:region: "us-gov-wets-1" is not a region of the aws-us-gov partition (did you mean us-gov-west-1?) (pulumi config set aws:region us-gov-west-1)`,
        ]);
    });

    it("refuses a well-formed name AWS has no region for: a near miss gets its fix, and the upgrade if only the number differs", () => {
        // eu-west-9 has the shape of a region name (the old check passed it) but is no region.
        assert.deepStrictEqual(problemOf("eu-west-9"), [
            `* aws:region: "eu-west-9" is not a region of the aws partition (did you mean eu-west-1?; if AWS has launched eu-west-9, upgrade @pulumi/aws (${AWS_VERSION} does not know it)) (pulumi config set aws:region eu-west-1)`,
        ]);
    });

    it("a region name far from every known one may be newer than @pulumi/aws: the upgrade, no command to another region", () => {
        assert.deepStrictEqual(problemOf("cn-central-5"), [
            `* aws:region: "cn-central-5" is not known to @pulumi/aws ${AWS_VERSION}; upgrade it if AWS has launched this region (the aws-cn regions it knows: cn-north-1, cn-northwest-1) (npm install @pulumi/aws@latest, if AWS has launched cn-central-5; otherwise correct the name)`,
        ]);
        const [line] = problemOf("us-space-7");
        assert.match(line, /"us-space-7" is not known to @pulumi\/aws .*; upgrade it/);
        assert.doesNotMatch(line, /pulumi config set/);
        // In a list too: no example region, so words instead of a command.
        assert.throws(
            () =>
                validateSecurityConfig({
                    values: securityValues({
                        breakGlass: { users: ["dana"] },
                        guardrails: {
                            targets: ["r-abcd1234"],
                            allowedRegions: ["us-east-1", "us-space-7"],
                        },
                    }),
                    region: "us-east-1",
                }),
            (e: unknown) => {
                assert.ok(e instanceof ConfigError, String(e));
                const line = e.message
                    .split("\n")
                    .find((l) => l.includes("guardrails.allowedRegions[1]"));
                assert.match(line ?? "", /is not known to @pulumi\/aws/, e.message);
                assert.doesNotMatch(line ?? "", /--path '[^']+' [a-z]{2}-[a-z]+-\d/, line);
                return true;
            },
        );
    });

    it("refuses a region of a partition whose ARNs this program does not write", () => {
        for (const region of ["eusc-de-east-1", "eu-isoe-west-1", "us-isof-south-1"]) {
            const lines = problemOf(region);
            assert.strictEqual(lines.length, 1, region);
            assert.match(
                lines[0],
                new RegExp(
                    `^\\* aws:region: ${region} is in the ${partitionOf(region)} partition, whose ARNs this program does not write`,
                ),
            );
        }
        assert.strictEqual(partitionOf("eusc-de-east-1"), "aws-eusc");
        assert.strictEqual(partitionOf("eu-isoe-west-1"), "aws-iso-e");
        assert.strictEqual(partitionOf("us-isof-east-1"), "aws-iso-f");
    });

    it("requires aws:region", () => {
        assert.deepStrictEqual(problemOf(undefined), [
            "* aws:region: is required: every account provider deploys into it (pulumi config set aws:region us-east-1)",
        ]);
    });

    it("checks the regions of the lists too: guardrails.allowedRegions and accessAnalyzer.regions", () => {
        assert.throws(
            () =>
                validateSecurityConfig({
                    values: securityValues({
                        breakGlass: { users: ["dana"] },
                        guardrails: {
                            targets: ["r-abcd1234"],
                            allowedRegions: ["us-east-1", "eu-west-9"],
                        },
                        accessAnalyzer: { regions: ["us-east-1", "eu-west-9"] },
                    }),
                    region: "us-east-1",
                }),
            (e: unknown) => {
                assert.ok(e instanceof ConfigError, String(e));
                const lines = e.message.split("\n").slice(1);
                for (const key of ["guardrails.allowedRegions[1]", "accessAnalyzer.regions[1]"])
                    assert.ok(
                        lines.some((l) =>
                            l.startsWith(
                                `* org-access:${key}: "eu-west-9" is not a region of the aws partition (did you mean eu-west-1?; if AWS has launched eu-west-9, upgrade @pulumi/aws (${AWS_VERSION} does not know it)) (got "eu-west-9") (fix with: pulumi config set --path 'org-access:${key}' eu-west-1)`,
                            ),
                        ),
                        lines.join("\n"),
                    );
                return true;
            },
        );
    });
});

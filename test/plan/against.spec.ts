import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { UsageError } from "../../cli/command";
import { parseAgainst } from "../../plan/against";
import { diffAgainst } from "../../plan/diff";
import { PROJECT } from "../../plan/run";

const fixture = (name: string) =>
    JSON.parse(fs.readFileSync(path.join(__dirname, "fixtures", name), "utf8"));

describe("plan --against: reading FILE", () => {
    it("refuses what is neither a plan nor an export, and a stack or project it does not hold", () => {
        assert.throws(
            () => parseAgainst({ resources: [] }, "x.json", PROJECT),
            (e: Error) =>
                e instanceof UsageError &&
                /^--against x\.json cannot be read \(1 problem\):\n\* is neither a plan/.test(
                    e.message,
                ),
        );
        assert.throws(
            () =>
                parseAgainst(
                    { stack: "workload", resources: [{ urn: 1 }, { type: "t" }] },
                    "x.json",
                    PROJECT,
                ),
            (e: Error) =>
                e.message ===
                '--against x.json cannot be read (2 problems):\n* resources[0]: needs "urn" and "type" strings\n* resources[1]: needs "urn" and "type" strings',
        );
        assert.throws(
            () =>
                parseAgainst(
                    {
                        stack: "workload",
                        resources: [{ urn: "urn:pulumi:workload::other::t::n", type: "t" }],
                    },
                    "x.json",
                    PROJECT,
                ),
            /urn:pulumi:workload::other::t::n: is a resource of project "other", not "org-access"/,
        );
        assert.throws(
            () =>
                diffAgainst(
                    parseAgainst({ stack: "workload-eu", resources: [] }, "x.json", PROJECT),
                    [{ stack: "workload", resources: [] }],
                    "x.json",
                ),
            /--against x\.json holds stack "workload-eu", not "workload"/,
        );
    });

    it("knows a component of a plan's JSON by its children's parent, which is how a child follows its parent's alias", () => {
        const [prior] = parseAgainst(fixture("legacy-workload.plan.json"), "f", PROJECT);
        const components = prior.resources
            .filter((r) => !r.custom)
            .map((r) => r.urn.split("::").pop());
        assert.deepStrictEqual(components.sort(), [
            "prod",
            "prod-break-glass",
            "prod-incident-response",
            "prod-preview",
            "staging",
            "staging-preview",
        ]);
    });
});

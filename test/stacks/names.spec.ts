import * as assert from "assert";
import { buildStack } from "../../stacks";
import { isWorkloadStack, parseStackName, StackNameError } from "../../stacks/names";

describe("stack names (stacks/names.ts)", () => {
    it("reads security, workload and workload-<shard>, with the shard", () => {
        assert.deepStrictEqual(parseStackName("security"), { name: "security", kind: "security" });
        assert.deepStrictEqual(parseStackName("workload"), { name: "workload", kind: "workload" });
        assert.deepStrictEqual(parseStackName("workload-eu_west.1"), {
            name: "workload-eu_west.1",
            kind: "workload",
            shard: "eu_west.1",
        });
    });

    it("refuses every other name, with the rule in the message", () => {
        for (const name of [
            "prod",
            "",
            "workload-",
            "workloads",
            "security-eu",
            "workload-a b",
            "Workload",
        ]) {
            assert.throws(
                () => parseStackName(name),
                (e: unknown) =>
                    e instanceof StackNameError &&
                    e.message ===
                        `unknown stack "${name}": name it "security", "workload" or "workload-<shard>"`,
                name,
            );
            assert.strictEqual(isWorkloadStack(name), false, name);
        }
    });

    it("takes only the kinds the caller names, and says so as an option", () => {
        assert.strictEqual(parseStackName("workload-prod", ["workload"]).shard, "prod");
        try {
            parseStackName("security", ["workload"]);
            assert.fail("security is not a workload stack");
        } catch (e) {
            assert.ok(e instanceof StackNameError);
            assert.strictEqual(
                e.message,
                'unknown stack "security": name it "workload" or "workload-<shard>"',
            );
            assert.strictEqual(
                e.optionMessage(),
                '--stack must be workload or workload-<shard>, not "security"',
            );
        }
        assert.strictEqual(
            new StackNameError("x", ["security", "workload"]).optionMessage("--target"),
            '--target must be security, workload or workload-<shard>, not "x"',
        );
    });

    it("isWorkloadStack is the workload kind of the same rule", () => {
        assert.strictEqual(isWorkloadStack("workload"), true);
        assert.strictEqual(isWorkloadStack("workload-prod"), true);
        assert.strictEqual(isWorkloadStack("security"), false);
    });

    it("the program refuses an unknown stack through the same rule", () => {
        assert.throws(() => buildStack("workload-"), StackNameError);
    });
});

import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PROJECT_ROOT, readStackFile, stackFilePath } from "../config/stackFile";
import { isUserStackFile, readingUserStackFiles } from "./userStackFiles";

describe("tests never read the user's stack files", () => {
    it("refuses a read of the repository's Pulumi.<stack>.yaml, naming the file and the fixture to use", () => {
        for (const stack of ["security", "workload"])
            assert.throws(
                () => readStackFile(stackFilePath(stack)),
                new RegExp(
                    `a test read Pulumi\\.${stack}\\.yaml, the user's own stack file: plan a fixture project`,
                ),
            );
        // Any path spelling of the same file.
        assert.throws(() =>
            fs.readFileSync(path.join(PROJECT_ROOT, "test", "..", "Pulumi.workload.yaml"), "utf8"),
        );
    });

    it("refuses them through every read API, and in the processes a test starts", async () => {
        const file = stackFilePath("workload");
        await assert.rejects(
            fs.promises.readFile(file, "utf8"),
            /a test read Pulumi\.workload\.yaml/,
        );
        await new Promise<void>((resolve) =>
            fs.readFile(file, (e) => {
                assert.match(String(e), /a test read Pulumi\.workload\.yaml/);
                resolve();
            }),
        );
        // A built command or a worker: any Node.js process started from a test inherits the guard.
        const child = spawnSync(
            process.execPath,
            ["-e", `require("fs").readFileSync(${JSON.stringify(file)}, "utf8")`],
            { encoding: "utf8" },
        );
        assert.notStrictEqual(child.status, 0);
        assert.match(child.stderr, /a test read Pulumi\.workload\.yaml, the user's own stack file/);
        // Even while this process allows it for the one test: the allowance is this process's only.
        const allowedHere = await readingUserStackFiles(async () =>
            spawnSync(
                process.execPath,
                ["-e", `require("fs").readFileSync(${JSON.stringify(file)})`],
                {
                    encoding: "utf8",
                },
            ),
        );
        assert.notStrictEqual(allowedHere.status, 0);
    });

    it("lets the one test that plans them read them, and only while it runs", async () => {
        const text = await readingUserStackFiles(async () =>
            fs.readFileSync(stackFilePath("workload"), "utf8"),
        );
        assert.match(text, /org-access:workloadAccounts/);
        assert.throws(() => fs.readFileSync(stackFilePath("workload"), "utf8"));
        await assert.rejects(
            readingUserStackFiles(async () => {
                throw new Error("boom");
            }),
            /boom/,
        );
        assert.throws(() => fs.readFileSync(stackFilePath("workload"), "utf8"), /a test read/);
    });

    it("leaves every other file readable: the project file, fixtures of the same name, the docs", () => {
        assert.strictEqual(isUserStackFile(path.join(PROJECT_ROOT, "Pulumi.yaml")), false);
        assert.match(fs.readFileSync(path.join(PROJECT_ROOT, "Pulumi.yaml"), "utf8"), /name:/);
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "org-access-guard-"));
        const fixture = path.join(dir, "Pulumi.workload.yaml");
        fs.writeFileSync(fixture, "config: {}\n");
        assert.strictEqual(isUserStackFile(fixture), false);
        assert.strictEqual(fs.readFileSync(fixture, "utf8"), "config: {}\n");
        assert.strictEqual(
            isUserStackFile(path.join(PROJECT_ROOT, "stacks", "Pulumi.workload.yaml")),
            false,
        );
        assert.strictEqual(
            isUserStackFile(path.join(PROJECT_ROOT, "Pulumi.workload-eu.yaml")),
            true,
        );
    });
});

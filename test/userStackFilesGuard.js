// The repository's own Pulumi.<stack>.yaml files are the user's: a user who adds an account or
// replaces the example ids must still see `npm test` pass (tests use their own fixtures). So no
// test reads them, except the one that plans them and asserts only what any valid set of them must
// give (test/plan/cli.spec.ts, through readingUserStackFiles in ./userStackFiles.ts).
//
// Plain JavaScript, so that every Node.js process a test starts loads it too: this module puts
// itself in NODE_OPTIONS (`--require`), which child processes inherit (a built command, a worker,
// the bin). From then on a read of one of those files, through fs.readFileSync, fs.readFile or
// fs.promises.readFile, throws, naming the file and the fixture to use instead; only this process
// can allow it, for the one test.
"use strict";
const fs = require("fs");
const path = require("path");

const ROOT = path.resolve(__dirname, "..");
const MESSAGE = (file) =>
    `a test read ${path.basename(String(file))}, the user's own stack file: plan a fixture ` +
    `project instead (test/helpers/preview.ts exampleProject(), runPlan's root, the plan's -C)`;

let allowed = 0;

/** Whether `file` is one of the repository's own Pulumi.<stack>.yaml files (not Pulumi.yaml). */
function isUserStackFile(file) {
    if (typeof file !== "string" && !(file instanceof URL)) return false;
    const resolved = path.resolve(file instanceof URL ? file.pathname : file);
    return path.dirname(resolved) === ROOT && /^Pulumi\.[^.]+\.yaml$/.test(path.basename(resolved));
}

const guard = (file) => {
    if (allowed === 0 && isUserStackFile(file)) throw new Error(MESSAGE(file));
};

if (!fs.__orgAccessGuarded) {
    fs.__orgAccessGuarded = true;
    const { readFileSync, readFile } = fs;
    const promisesReadFile = fs.promises.readFile;
    fs.readFileSync = function guardedReadFileSync(file, ...rest) {
        guard(file);
        return readFileSync.call(this, file, ...rest);
    };
    fs.readFile = function guardedReadFile(file, ...rest) {
        try {
            guard(file);
        } catch (e) {
            // As fs.readFile fails: through its callback.
            const callback = rest.at(-1);
            if (typeof callback === "function") return process.nextTick(callback, e);
            throw e;
        }
        return readFile.call(this, file, ...rest);
    };
    fs.promises.readFile = async function guardedPromisesReadFile(file, ...rest) {
        guard(file);
        return promisesReadFile.call(this, file, ...rest);
    };
    const self = `--require ${JSON.stringify(__filename)}`;
    const options = process.env.NODE_OPTIONS ?? "";
    if (!options.includes(self)) process.env.NODE_OPTIONS = `${options} ${self}`.trim();
}

module.exports = {
    isUserStackFile,
    allow: (delta) => {
        allowed += delta;
    },
};

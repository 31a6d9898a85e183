import { expect, test } from "bun:test";
import { renderColumns } from "../../../src/cli/render/render-columns.ts";

test("columns align plain cells", () => {
  expect(renderColumns(["A", "B"], [["xx", "y"]])).toBe("A   B\nxx  y");
});

test("control characters in cells are escaped", () => {
  const table = renderColumns(["ID", "NOTE"], [["CVE-1\nINJECT", "x\x1b[2J"]]);

  expect(table).toBe("ID               NOTE\nCVE-1\\x0aINJECT  x\\x1b[2J");
  expect(table.split("\n")).toHaveLength(2);
});

import { describe, expect, test } from "bun:test";
import { parseOsRelease } from "../../src/inventory/os-release.ts";
import { DEBIAN_12_OS_RELEASE } from "./os-release-samples.ts";

describe("parseOsRelease", () => {
  test("Debian 12 file", () => {
    expect(parseOsRelease(DEBIAN_12_OS_RELEASE)).toEqual({
      PRETTY_NAME: "Debian GNU/Linux 12 (bookworm)",
      NAME: "Debian GNU/Linux",
      VERSION_ID: "12",
      VERSION: "12 (bookworm)",
      VERSION_CODENAME: "bookworm",
      ID: "debian",
      HOME_URL: "https://www.debian.org/",
      SUPPORT_URL: "https://www.debian.org/support",
      BUG_REPORT_URL: "https://bugs.debian.org/",
    });
  });

  const cases: Array<[string, string, Record<string, string>]> = [
    ["unquoted", "ID=ubuntu", { ID: "ubuntu" }],
    ["double quotes", 'NAME="Ubuntu Linux"', { NAME: "Ubuntu Linux" }],
    ["single quotes keep everything", "NAME='a \"b\" $c \\d'", { NAME: 'a "b" $c \\d' }],
    [
      "escapes in double quotes",
      'NAME="say \\"hi\\" for \\$5 \\\\ \\`cmd\\` \\n"',
      { NAME: 'say "hi" for $5 \\ `cmd` \\n' },
    ],
    ["escaped space unquoted", "NAME=Pop\\!_OS\\ 22", { NAME: "Pop!_OS 22" }],
    ["empty value", "VARIANT=", { VARIANT: "" }],
    ["empty quotes", 'VARIANT=""', { VARIANT: "" }],
    ["concatenated quotes", "NAME=\"a b\"'c d'e", { NAME: "a bc de" }],
    ["text after unquoted space", "ID=debian # comment", { ID: "debian" }],
    ["comment and blank lines", "# ID=fake\n\n   \nID=debian", { ID: "debian" }],
    ["indented assignment", '   ID="debian"  ', { ID: "debian" }],
    [
      "CRLF line ends",
      'ID=ubuntu\r\nVERSION_ID="22.04"\r\n',
      { ID: "ubuntu", VERSION_ID: "22.04" },
    ],
    ["later assignment wins", "ID=a\nID=b", { ID: "b" }],
    ["unterminated quote skipped", 'NAME="broken\nID=debian', { ID: "debian" }],
    ["not an assignment skipped", "this is not valid\n1X=y\nID=debian", { ID: "debian" }],
    ["lower-case key kept", "id=debian", { id: "debian" }],
  ];
  test.each(cases)("%s", (_name, text, expected) => {
    expect(parseOsRelease(text)).toEqual(expected);
  });
});

import { ReportFormatError, type ParsedScanReport, type ScannerTool } from './finding.ts';
import { parseNpmAuditReport } from './npm-audit.ts';
import { parsePipAuditReport } from './pip-audit.ts';
import { parseTrivyReport } from './trivy.ts';

/**
 * Parses the text of one scanner report. Throws ReportFormatError when it is not JSON or not the
 * tool's format: such a file must fail the check, not count as a clean scan.
 */
export function parseScannerReport(tool: ScannerTool, text: string): ParsedScanReport {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    // The parser's message quotes the text: only where it stopped is said, never what the file holds.
    const where = /at position \d+(?: \(line \d+ column \d+\))?/.exec(
      error instanceof Error ? error.message : ''
    );
    throw new ReportFormatError(
      text.trim() === '' ? 'the file is empty' : `not JSON${where ? ` (the parser stopped ${where[0]})` : ''}`
    );
  }
  switch (tool) {
    case 'trivy':
      return parseTrivyReport(json);
    case 'pip-audit':
      return parsePipAuditReport(json);
    case 'npm-audit':
      return parseNpmAuditReport(json);
    default: {
      const unknownTool: never = tool;
      throw new Error(`no parser for ${String(unknownTool)}`);
    }
  }
}

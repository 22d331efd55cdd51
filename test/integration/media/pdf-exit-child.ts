// Run as a child process by pdf-exit.test.ts: must exit on its own once inspectPdf has returned.
import { PDFDocument } from 'pdf-lib';
import { inspectPdf } from '../../../src/bot/media/pdf.js';

const doc = await PDFDocument.create();
for (let i = 0; i < 3; i++) doc.addPage();
const summary = await inspectPdf(await doc.save());
// What is left besides stdio: a worker, a message port or a timer would show here.
const resources = process.getActiveResourcesInfo().filter((r) => !/TTYWrap|PipeWrap|FSReqCallback/.test(r));
console.log(JSON.stringify({ pages: summary.pages, resources }));

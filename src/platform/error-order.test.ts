import { errorSummaryInPageOrder } from './error-order';

const page = (links: string[], body: string) =>
  `<div class="govuk-error-summary"><ul class="govuk-list govuk-error-summary__list">${links
    .map((id) => `<li><a href="#${id}">Problem with ${id}</a></li>`)
    .join('')}</ul></div><main>${body}</main>`;
const order = (html: string) => [...errorSummaryInPageOrder(html).matchAll(/href="#([^"]+)"/g)].map((m) => m[1]);

test('the summary follows the order of the fields on the page', () => {
  const html = page(['email', 'password', 'name'], '<input id="name"><input id="email"><input id="password">');
  expect(order(html)).toEqual(['name', 'email', 'password']);
});

test('a date field is linked at its day box; a link to nothing on the page goes last, in its first order', () => {
  const html = page(['gone', 'title', 'eoiDeadline'], '<div id="eoiDeadline"><input id="eoiDeadline-day"></div><input id="title">');
  expect(order(html)).toEqual(['eoiDeadline-day', 'title', 'gone']);
});

test('a page without an error summary is unchanged', () => {
  expect(errorSummaryInPageOrder('<main><input id="a"></main>')).toBe('<main><input id="a"></main>');
});

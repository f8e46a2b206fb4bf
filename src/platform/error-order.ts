/**
 * Puts the error summary's links in the order their fields appear on the page, as GOV.UK asks, whatever order the
 * checks found them in. A link to a date field (a group of day, month and year boxes) goes to its first box, so
 * following it puts the focus in a box.
 */
export function errorSummaryInPageOrder(html: string): string {
  const list = /(<ul class="govuk-list govuk-error-summary__list">)([\s\S]*?)(<\/ul>)/.exec(html);
  if (!list) return html;
  const items = list[2]!.match(/<li>[\s\S]*?<\/li>/g) ?? [];
  const after = html.slice(list.index + list[0].length);
  const placed = items.map((item, i) => {
    const id = /href="#([^"]+)"/.exec(item)?.[1];
    const dayBox = id && after.includes(`id="${id}-day"`) ? `${id}-day` : undefined;
    const target = dayBox ?? id;
    const at = target ? after.indexOf(`id="${target}"`) : -1;
    return { item: dayBox ? item.replace(`href="#${id}"`, `href="#${dayBox}"`) : item, at: at < 0 ? Number.MAX_SAFE_INTEGER : at, i };
  });
  placed.sort((a, b) => a.at - b.at || a.i - b.i);
  const sorted = `${list[1]}\n${placed.map((p) => p.item).join('\n')}\n${list[3]}`;
  return html.slice(0, list.index) + sorted + after;
}

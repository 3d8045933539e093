// Reads {"name": card, ...} on stdin and parses each card with the official Adaptive Cards library, which reports
// unknown elements, invalid property values and other schema problems as validation events. Exit 1 if any.
const AC = require('adaptivecards/dist/adaptivecards.js');
const cards = JSON.parse(require('fs').readFileSync(0, 'utf8'));
let bad = 0;
for (const [name, json] of Object.entries(cards)) {
  const context = new AC.SerializationContext();
  context.targetVersion = AC.Versions.v1_5;
  const card = new AC.AdaptiveCard();
  card.parse(json, context);
  const events = [];
  for (let i = 0; i < context.eventCount; i++) {
    const e = context.getEventAt(i);
    events.push(`${AC.ValidationEvent[e.event]}: ${e.message}`);
  }
  for (const e of card.validateProperties().validationEvents) events.push(`${AC.ValidationEvent[e.event]}: ${e.message}`);
  if (card.version.toString() !== '1.5') events.push(`version ${card.version} is not 1.5`);
  if (events.length) { bad++; console.log(`${name}: ${events.join(' | ')}`); } else console.log(`${name}: ok`);
}
process.exit(bad ? 1 : 0);

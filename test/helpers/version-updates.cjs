// A second OS process for the engine tests: version-checked updates of one document, each retried until it applies.
// Usage: node version-updates.cjs <uri> <dbName> <collection> <idHex> <count> <startAtMs>
'use strict';
const { MongoClient, ObjectId } = require('mongodb');

async function main() {
  const [uri, dbName, collectionName, idHex, countArg, startAtArg] = process.argv.slice(2);
  const count = Number(countArg);
  const client = await MongoClient.connect(uri, { maxPoolSize: 2 });
  try {
    const collection = client.db(dbName).collection(collectionName);
    const _id = new ObjectId(idHex);
    // Both processes start together, so their updates overlap.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(startAtArg) - Date.now())));
    let applied = 0;
    let retries = 0;
    while (applied < count) {
      const doc = await collection.findOne({ _id }, { projection: { v: 1 } });
      if (!doc) throw new Error('the document is gone');
      const result = await collection.updateOne({ _id, v: doc.v }, { $set: { v: doc.v + 1 } });
      if (result.modifiedCount === 1) applied += 1;
      else retries += 1;
    }
    process.stdout.write(JSON.stringify({ applied, retries }));
  } finally {
    await client.close();
  }
}

main().catch((err) => {
  process.stderr.write(String(err && err.stack ? err.stack : err));
  process.exitCode = 1;
});

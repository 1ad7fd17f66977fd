// Differential scenario for kafkajs 2.2.4's transactions (see
// io.elasticstream.compat.ExternalClientScenarios#kafkajsTransactions).
//   node transactions.js <bootstrap servers> <topic> <group>
// A consume-transform-produce step as kafkajs' EOS guide writes it: reads 4 messages from <topic>-in, sends
// them transformed to <topic>-out and the group's offsets with sendOffsets in one transaction, commits;
// then an aborted transaction. Prints one JSON object (name -> value, normalised) on stdout.
'use strict';
process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
const { Kafka, logLevel } = require('kafkajs');

const [bootstrap, topic, groupId] = process.argv.slice(2);
if (!bootstrap || !topic || !groupId) {
  console.error('usage: node transactions.js <bootstrap servers> <topic> <group>');
  process.exit(2);
}
const input = `${topic}-in`;
const output = `${topic}-out`;
const MESSAGES = 4;
const CONSUME_TIMEOUT_MS = 30000;

const kafka = new Kafka({
  clientId: 'differential-kafkajs-txn',
  brokers: bootstrap.split(','),
  logLevel: logLevel.ERROR,
  logCreator: () => ({ level, log }) => console.error(`[kafkajs ${level}] ${JSON.stringify(log)}`),
  retry: { retries: 8, initialRetryTime: 100 },
});

const observation = {};
const put = (key, value) => { observation[key] = value; };
const errorName = (e) => (e && (e.type || e.name)) || String(e);

async function readAll(topicName, expected, readUncommitted) {
  const consumer = kafka.consumer({ groupId: `${groupId}-reader-${readUncommitted}`, readUncommitted });
  await consumer.connect();
  await consumer.subscribe({ topic: topicName, fromBeginning: true });
  const values = [];
  let done;
  const enough = new Promise((resolve) => { done = resolve; });
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ partition, message }) => {
      values.push(`${partition}:${message.offset}:${message.value}`);
      if (values.length >= expected) setTimeout(done, 500); // anything more would show in the meantime
    },
  });
  const timer = setTimeout(() => done(), CONSUME_TIMEOUT_MS);
  await enough;
  clearTimeout(timer);
  await consumer.disconnect();
  return values.sort();
}

async function main() {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: input, numPartitions: 1 }, { topic: output, numPartitions: 1 }],
    waitForLeaders: true });
  const plain = kafka.producer({ allowAutoTopicCreation: false });
  await plain.connect();
  await plain.send({ topic: input, acks: -1,
    messages: Array.from({ length: MESSAGES }, (_, i) => ({ value: `in-${i}`, partition: 0 })) });
  await plain.disconnect();

  const producer = kafka.producer({ transactionalId: `${topic}-txn`, maxInFlightRequests: 1, idempotent: true,
    allowAutoTopicCreation: false });
  await producer.connect();
  const consumed = await readAll(input, MESSAGES, true);
  put('input', consumed);

  const txn = await producer.transaction();
  const sent = await txn.send({ topic: output, acks: -1,
    messages: consumed.map((v) => ({ value: v.split(':')[2].toUpperCase(), partition: 0 })) });
  put('txn.send', sent.map((m) => `${m.partition}:${m.baseOffset}:error=${m.errorCode}`).join(','));
  await txn.sendOffsets({ consumerGroupId: groupId,
    topics: [{ topic: input, partitions: [{ partition: 0, offset: String(MESSAGES) }] }] });
  await txn.commit();
  put('txn.committed', true);

  const aborted = await producer.transaction();
  await aborted.send({ topic: output, acks: -1, messages: [{ value: 'ABORTED', partition: 0 }] });
  await aborted.sendOffsets({ consumerGroupId: groupId,
    topics: [{ topic: input, partitions: [{ partition: 0, offset: '1' }] }] });
  await aborted.abort();
  put('txn.aborted', true);
  await producer.disconnect();

  put('output.readCommitted', await readAll(output, MESSAGES, false));
  put('output.readUncommitted', await readAll(output, MESSAGES + 1, true));
  const committed = await admin.fetchOffsets({ groupId, topics: [input] });
  put('group.committed', committed[0].partitions.map((p) => `${p.partition}:${p.offset}`).join(','));
  const offsets = await admin.fetchTopicOffsets(output);
  put('output.offsets', offsets.map((o) => `${o.partition}:low=${o.low}:high=${o.high}`).join(','));
  await admin.disconnect();
}

main().then(() => {
  process.stdout.write(JSON.stringify(observation) + '\n');
  process.exit(0);
}).catch((e) => {
  console.error(e && e.stack ? e.stack : e);
  put('failure', errorName(e));
  process.stdout.write(JSON.stringify(observation) + '\n');
  process.exit(1);
});

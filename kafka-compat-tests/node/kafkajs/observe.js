// Differential scenario for kafkajs 2.2.4 (see io.elasticstream.compat.DifferentialScenarios#kafkajs).
//   node observe.js <bootstrap servers> <topic> <group>
// Creates a 2-partition topic with the admin client, produces 6 keyed messages, consumes them in a
// consumer group, commits, and describes what the broker reports. Prints one JSON object (name -> value,
// values normalised: no ids, ports or wall-clock times) on stdout; kafkajs' own log goes to stderr.
'use strict';
process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
const { Kafka, logLevel } = require('kafkajs');

const [bootstrap, topic, groupId] = process.argv.slice(2);
if (!bootstrap || !topic || !groupId) {
  console.error('usage: node observe.js <bootstrap servers> <topic> <group>');
  process.exit(2);
}
const MESSAGES = 6;
const BASE_TIMESTAMP = 1700000000000;
const CONSUME_TIMEOUT_MS = 60000;

const kafka = new Kafka({
  clientId: 'differential-kafkajs',
  brokers: bootstrap.split(','),
  logLevel: logLevel.WARN,
  logCreator: () => ({ level, log }) => console.error(`[kafkajs ${level}] ${JSON.stringify(log)}`),
  retry: { retries: 8, initialRetryTime: 100 },
});

const observation = {};
const put = (key, value) => { observation[key] = value; };
const errorName = (e) => {
  if (e && Array.isArray(e.errors) && e.errors.length > 0) {
    return `${e.name}[${e.errors.map((inner) => inner.type || inner.name).join(',')}]`;
  }
  return (e && (e.type || e.name)) || String(e);
};

async function main() {
  const admin = kafka.admin();
  await admin.connect();
  put('createTopics.new', await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true }));
  put('createTopics.existing', await admin.createTopics({ topics: [{ topic, numPartitions: 2 }] }));
  try {
    await admin.createTopics({ topics: [{ topic: topic + '-bad', numPartitions: 0 }] });
    put('createTopics.zeroPartitions', 'ok');
  } catch (e) {
    put('createTopics.zeroPartitions', errorName(e));
  }
  const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
  const partitions = metadata.topics[0].partitions.slice().sort((a, b) => a.partitionId - b.partitionId);
  put('metadata.partitions', partitions.map((p) =>
    `${p.partitionId}:error=${p.partitionErrorCode}:replicas=${p.replicas.length}:isr=${p.isr.length}`).join(','));

  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const sent = [];
  for (let i = 0; i < MESSAGES; i++) {
    const [meta] = await producer.send({
      topic,
      acks: -1,
      messages: [{ key: `k${i}`, value: `v${i}`, partition: i % 2, timestamp: String(BASE_TIMESTAMP + i * 1000) }],
    });
    sent.push(`${meta.partition}:${meta.baseOffset}:error=${meta.errorCode}`);
  }
  put('produce.results', sent.join(','));
  await producer.disconnect();

  const offsets = await admin.fetchTopicOffsets(topic);
  put('topicOffsets', offsets.sort((a, b) => a.partition - b.partition)
    .map((o) => `${o.partition}:low=${o.low}:high=${o.high}`).join(','));
  const byTime = await admin.fetchTopicOffsetsByTimestamp(topic, BASE_TIMESTAMP + 2500);
  put('topicOffsetsByTimestamp', byTime.sort((a, b) => a.partition - b.partition)
    .map((o) => `${o.partition}:${o.offset}`).join(','));

  const consumer = kafka.consumer({ groupId, sessionTimeout: 10000, heartbeatInterval: 1000 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const received = [];
  let done;
  const allReceived = new Promise((resolve) => { done = resolve; });
  await consumer.run({
    autoCommit: true,
    eachMessage: async ({ partition, message }) => {
      received.push(`${partition}:${message.offset}:${message.key}:${message.value}:${message.timestamp}`);
      if (received.length >= MESSAGES) done();
    },
  });
  const timer = setTimeout(() => done(), CONSUME_TIMEOUT_MS);
  await allReceived;
  clearTimeout(timer);
  if (received.length < MESSAGES) {
    // A failure with kafkajs' log (stderr) says more than an empty observation would.
    throw new Error(`consumed ${received.length} of ${MESSAGES} messages in ${CONSUME_TIMEOUT_MS} ms`);
  }
  put('consume.records', received.sort().join(','));
  const described = await consumer.describeGroup();
  put('group.whileConsuming', `state=${described.state}:protocolType=${described.protocolType}`
    + `:protocol=${described.protocol}:members=${described.members.length}`);
  await consumer.commitOffsets(partitions.map((p) => ({ topic, partition: p.partitionId, offset: '3' })));
  await consumer.disconnect();

  const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
  put('group.committed', committed[0].partitions.sort((a, b) => a.partition - b.partition)
    .map((p) => `${p.partition}:${p.offset}`).join(','));
  const groups = await admin.describeGroups([groupId]);
  put('group.afterDisconnect', groups.groups.map((g) => `state=${g.state}:members=${g.members.length}`).join(','));
  const listed = await admin.listGroups();
  put('group.listed', listed.groups.filter((g) => g.groupId === groupId)
    .map((g) => `${g.groupId}:${g.protocolType}`).join(','));
  await admin.deleteGroups([groupId]);
  const afterDelete = await admin.listGroups();
  put('group.listedAfterDelete', afterDelete.groups.filter((g) => g.groupId === groupId).length);

  await admin.deleteTopics({ topics: [topic] });
  // Apache Kafka's broker applies the deletion a moment after its controller answered: allow it 5 s.
  let stillListed = true;
  for (const deadline = Date.now() + 5000; stillListed && Date.now() < deadline;) {
    stillListed = (await admin.listTopics()).includes(topic);
  }
  put('topics.afterDelete.containsTopic', stillListed);
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

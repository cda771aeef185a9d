// Adobe's aio-cli token library (@adobe/aio-lib-ims), as is, on a context file that
// `launch-wizard export --format aio` wrote.
//
//   node aio_token.js token FILE IMS_URL   load FILE as `aio config:set ims.contexts.NAME FILE
//                                          --file --json` does, then getToken(NAME): prints
//                                          {"token": ...}; an error's code and message on stderr
//   node aio_token.js check FILE           aio-lib-ims's own checks of each plugin (OAuth
//                                          Server-to-Server, JWT) on FILE: prints {plugin: verdict}
//
// aio-lib-ims sends to one of two IMS hosts (prod, stage) and has no setting for another: the
// one thing changed here is that host, to IMS_URL (the sandbox). Everything else (the context
// store, which plugin takes the context, its checks, the JWT it signs, the request and how the
// answer is read) is the library's own.
const fs = require('node:fs')
const [mode, file, imsUrl] = process.argv.slice(2)
const data = JSON.parse(fs.readFileSync(file, 'utf8'))

async function token () {
  const { context, getToken, Ims } = require('@adobe/aio-lib-ims')
  Ims.prototype.getApiUrl = function (api) { return imsUrl + api }
  await context.set('launch-wizard', data)
  return { token: await getToken('launch-wizard') }
}

async function check () {
  const plugins = {
    oauth_server_to_server: require('@adobe/aio-lib-ims-oauth/src/ims-oauth_server_to_server'),
    jwt: require('@adobe/aio-lib-ims-jwt')
  }
  const verdicts = {}
  for (const [name, plugin] of Object.entries(plugins)) {
    verdicts[name] = await plugin.canSupport(data).then(() => 'supported', err => err.message)
  }
  return verdicts
}

;(mode === 'token' ? token() : check()).then(
  result => process.stdout.write(JSON.stringify(result) + '\n'),
  err => { process.stderr.write(`${err.code || err.name}: ${err.message}\n`); process.exit(1) })

// The pure renderers of the Astakos shim: Python's JSON layout, XML escaping, dates.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  accessJson,
  accessXml,
  faultBody,
  Ordered,
  pyJson,
  pythonIsoFormat,
  xmlEscape,
} from '../../src/shims/astakos/responses.js';

describe('Astakos renderers', () => {
  test('pyJson is json.dumps: separators, ASCII escapes, member order kept', () => {
    assert.equal(
      pyJson(
        new Ordered([
          ['b', 1],
          ['10', [true, false, null]],
          ['a', new Ordered([])],
          ['l', []],
        ]),
      ),
      '{"b": 1, "10": [true, false, null], "a": {}, "l": []}',
    );
    assert.equal(
      pyJson('Zoë / "q" \\ \n\t\r\b\f \u0001 \u007f'),
      '"Zo\\u00eb / \\"q\\" \\\\ \\n\\t\\r\\b\\f \\u0001 \\u007f"',
    );
    assert.equal(pyJson('😀 \u20ac \ud800'), '"\\ud83d\\ude00 \\u20ac \\ud800"');
    assert.equal(pyJson(1340964217000), '1340964217000');
  });

  test('faults and XML escaping', () => {
    assert.equal(xmlEscape(`a&b<c>d"e'f`), 'a&amp;b&lt;c&gt;d&quot;e&#39;f');
    assert.equal(
      faultBody('badRequest', "Unsupported Content-type: 'a<b'", 'xml'),
      '<?xml version="1.0" encoding="UTF-8"?>\n<badRequest xmlns="http://docs.openstack.org/identity/api/v2.0" code="400">\n  <message>Unsupported Content-type: &#39;a&lt;b&#39;</message>\n  <details></details>\n</badRequest>\n',
    );
    assert.equal(
      faultBody('badRequest', "Unsupported Content-type: 'application/x-é'", 'json'),
      `{"badRequest": {"message": "Unsupported Content-type: 'application/x-\\u00e9'", "code": 400, "details": ""}}`,
    );
  });

  test('isoformat: +00:00, microseconds only when non-zero', () => {
    assert.equal(pythonIsoFormat('2013-06-19T15:23:59.975Z'), '2013-06-19T15:23:59.975000+00:00');
    assert.equal(pythonIsoFormat('2013-06-19T15:23:59.000Z'), '2013-06-19T15:23:59+00:00');
  });

  test('access document: names with quotes and non-ASCII in JSON and XML', () => {
    const access = {
      token: { id: 'T"1', expires: '2013-06-19T15:23:59+00:00', tenantId: 'u', tenantName: 'Zoë "Z" <z>' },
      user: { id: 'u', name: 'Zoë "Z" <z>', roles: [{ id: 7, name: 'a&b' }] },
      services: [],
    };
    assert.equal(
      accessJson(access),
      '{"access": {"token": {"expires": "2013-06-19T15:23:59+00:00", "id": "T\\"1", "tenant": {"id": "u", "name": "Zo\\u00eb \\"Z\\" <z>"}}, "serviceCatalog": [], "user": {"roles_links": [], "id": "u", "roles": [{"id": 7, "name": "a&b"}], "name": "Zo\\u00eb \\"Z\\" <z>"}}}',
    );
    const xml = accessXml(access);
    assert.ok(xml.includes('<token id="T&quot;1" expires="2013-06-19T15:23:59+00:00">'));
    assert.ok(xml.includes('<user id="u" name="Zoë &quot;Z&quot; &lt;z&gt;">'));
    assert.ok(xml.includes('<role id="7" name="a&amp;b"/>'));
    assert.ok(xml.endsWith('\n    <serviceCatalog>\n    \n    </serviceCatalog>\n</access>\n'));
  });
});

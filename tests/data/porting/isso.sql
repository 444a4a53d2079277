-- An Isso database (isso/db/*.py schema), written by hand for the tests;
-- the tests load it into a fresh SQLite file.
CREATE TABLE threads (id INTEGER PRIMARY KEY, uri VARCHAR(256) UNIQUE, title VARCHAR(256));
CREATE TABLE comments (
    tid REFERENCES threads(id), id INTEGER PRIMARY KEY, parent INTEGER,
    created FLOAT NOT NULL, modified FLOAT, mode INTEGER, remote_addr VARCHAR,
    text VARCHAR, author VARCHAR, email VARCHAR, website VARCHAR,
    likes INTEGER DEFAULT 0, dislikes INTEGER DEFAULT 0, voters BLOB NOT NULL,
    notification INTEGER DEFAULT 0);
CREATE TABLE preferences (key VARCHAR PRIMARY KEY, value VARCHAR);
INSERT INTO preferences VALUES ('session-key', '0123456789abcdef');

INSERT INTO threads VALUES (1, '/ivig-for-lupus/', 'IVIG for lupus');
INSERT INTO threads VALUES (2, '/blog/2020/steroid-tapering/', 'Tapering steroids slowly');
INSERT INTO threads VALUES (3, '/nobody-here/', 'No comments');

-- mode: 1 accepted, 2 pending, 4 deleted (kept because it has replies)
INSERT INTO comments VALUES (1, 1, NULL, 1600000000.0, NULL, 1, '192.0.2.0',
    'IVIG *helped* my joints.' || char(10) || char(10) || 'Second paragraph.',
    'Zoë Ångström', 'zoe@example.se', 'https://zoe.example.se', 3, 0, X'', 1);
INSERT INTO comments VALUES (1, 2, 1, 1600000100.25, NULL, 1, '2001:db8::',
    '谢谢！', '李小龙', NULL, NULL, 0, 0, X'', 0);
INSERT INTO comments VALUES (1, 3, 2, 1600000200.0, NULL, 2, '192.0.2.0',
    'Waiting for a moderator.', 'محمد الأحمد', 'm.ahmad@example.org', 'javascript:alert(1)', 0, 0, X'', 0);
INSERT INTO comments VALUES (1, 4, NULL, 1600000300.0, 1600000400.0, 4, '192.0.2.0',
    '', NULL, NULL, NULL, 0, 0, X'', 0);
INSERT INTO comments VALUES (1, 5, 7, 1600000600.0, NULL, 1, '192.0.2.0',
    'Answers comment 7, which comes after me.', 'Early', NULL, NULL, 0, 0, X'', 0);
INSERT INTO comments VALUES (1, 6, 4, 1600000500.0, NULL, 1, '192.0.2.0',
    '<script>alert(1)</script>[click](javascript:alert(1)) and <b>bold</b> and <a href="javascript:alert(2)">more</a>',
    'Hacker', 'h@example.com', NULL, 0, 0, X'', 0);
INSERT INTO comments VALUES (1, 7, 1, 1600000550.0, NULL, 1, '192.0.2.0',
    'Parent of comment 5.', 'Late', NULL, NULL, 0, 0, X'', 0);

INSERT INTO comments VALUES (2, 10, NULL, 1600100001.0, NULL, 1, NULL, 'Level 1', 'One', NULL, NULL, 0, 0, X'', 0);
INSERT INTO comments VALUES (2, 11, 10, 1600100002.0, NULL, 1, NULL, 'Level 2', 'Two', NULL, NULL, 0, 0, X'', 0);
INSERT INTO comments VALUES (2, 12, 11, 1600100003.0, NULL, 1, NULL, 'Level 3', 'Three', NULL, NULL, 0, 0, X'', 0);
INSERT INTO comments VALUES (2, 13, 12, 1600100004.0, NULL, 1, NULL, 'Level 4', 'Four', NULL, NULL, 0, 0, X'', 0);
INSERT INTO comments VALUES (2, 14, 13, 1600100005.0, NULL, 1, NULL, 'Level 5', 'Five', NULL, NULL, 0, 0, X'', 0);
INSERT INTO comments VALUES (2, 15, 14, 1600100006.0, NULL, 1, NULL, 'Level 6', 'Six', NULL, NULL, 0, 0, X'', 0);

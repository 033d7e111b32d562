<?php
/**
 * Router of PHP's built-in server for a test WordPress, doing what a web server configured for
 * WordPress does: a file that exists is served as it is (PHP scripts run), anything else under
 * the install folder goes to WordPress's index.php, which answers pretty permalinks, robots.txt,
 * sitemaps and the REST API itself. Outside the install folder there is nothing (404).
 *
 * Environment: WP_FOLDER, the install folder ('' at the root, or like '/news'); WP_REQUEST_LOG,
 * a file each request's time and target are appended to.
 */
$folder = getenv('WP_FOLDER') ?: '';
$target = $_SERVER['REQUEST_URI'];
if ($log = getenv('WP_REQUEST_LOG')) {
	file_put_contents($log, sprintf("%.6f %s\n", microtime(true), $target), FILE_APPEND | LOCK_EX);
}
$path = rawurldecode(parse_url($target, PHP_URL_PATH) ?: '/');
if ($folder !== '' && $path !== $folder && strpos($path, $folder . '/') !== 0) {
	http_response_code(404);
	header('Content-Type: text/plain');
	echo "Not Found\n";
	return true;
}
$file = $_SERVER['DOCUMENT_ROOT'] . $path;
if (strpos($path, '/..') === false && (is_file($file) || (is_dir($file) && is_file(rtrim($file, '/') . '/index.php') && rtrim($path, '/') !== $folder))) {
	return false;
}
$index = $_SERVER['DOCUMENT_ROOT'] . $folder . '/index.php';
$_SERVER['SCRIPT_NAME'] = $_SERVER['PHP_SELF'] = $folder . '/index.php';
$_SERVER['SCRIPT_FILENAME'] = $index;
chdir(dirname($index));
require $index;

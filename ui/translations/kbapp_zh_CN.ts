<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>FilterBar</name>
    <message>
        <location filename="../../kbapp/gui/filter_bar.py" line="17"/>
        <source>All kinds</source>
        <translation>全部类型</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/filter_bar.py" line="19"/>
        <source>All categories</source>
        <translation>全部类别</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/filter_bar.py" line="21"/>
        <source>All levels</source>
        <translation>全部级别</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/filter_bar.py" line="22"/>
        <source>Level %1</source>
        <translation>%1 级</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/filter_bar.py" line="23"/>
        <source>All tags</source>
        <translation>全部标签</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/filter_bar.py" line="26"/>
        <source>Filter:</source>
        <translation>筛选：</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../kbapp/gui/main_window.py" line="33"/>
        <source>kbapp — Emergency knowledge base</source>
        <translation>kbapp — 应急知识库</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/main_window.py" line="38"/>
        <source>Search failed: %1</source>
        <translation>搜索失败：%1</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/main_window.py" line="54"/>
        <source>Search playbooks, reports and lessons (Ctrl+K) — e.g. 配置丢失, data loss, ORA-00600</source>
        <translation>搜索预案、故障报告和经验教训（Ctrl+K）— 例如 配置丢失、data loss、ORA-00600</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/main_window.py" line="102"/>
        <source>&amp;Find…</source>
        <translation>查找(&amp;F)…</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/main_window.py" line="104"/>
        <source>&amp;Clear Search</source>
        <translation>清除搜索(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/main_window.py" line="108"/>
        <source>&amp;Import Markdown…</source>
        <translation>导入 Markdown(&amp;I)…</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/main_window.py" line="110"/>
        <source>&amp;Preferences…</source>
        <translation>首选项(&amp;P)…</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/main_window.py" line="112"/>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/main_window.py" line="113"/>
        <source>Library &amp;Problems</source>
        <translation>知识库问题(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/main_window.py" line="114"/>
        <source>&amp;Rebuild Index</source>
        <translation>重建索引(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/main_window.py" line="115"/>
        <source>Zoom &amp;In</source>
        <translation>放大(&amp;I)</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/main_window.py" line="116"/>
        <source>Zoom &amp;Out</source>
        <translation>缩小(&amp;O)</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/main_window.py" line="117"/>
        <source>Go to &amp;Results</source>
        <translation>转到结果列表(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/main_window.py" line="118"/>
        <source>Go to &amp;Reader</source>
        <translation>转到阅读区(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/main_window.py" line="119"/>
        <source>&amp;About kbapp</source>
        <translation>关于 kbapp(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/main_window.py" line="121"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/main_window.py" line="125"/>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/main_window.py" line="127"/>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/main_window.py" line="132"/>
        <source>&amp;Library</source>
        <translation>知识库(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/main_window.py" line="134"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/main_window.py" line="139"/>
        <source>Loading library…</source>
        <translation>正在加载知识库…</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/main_window.py" line="150"/>
        <source>Data: %1</source>
        <translation>数据目录：%1</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/main_window.py" line="185"/>
        <source>Building index… %1 of %2</source>
        <translation>正在建立索引… %1 / %2</translation>
    </message>
    <message numerus="yes">
        <location filename="../../kbapp/gui/main_window.py" line="191"/>
        <source>Index up to date: %n document(s)</source>
        <translation><numerusform>索引已是最新：%n 篇文档</numerusform></translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/main_window.py" line="200"/>
        <source>Index unavailable</source>
        <translation>索引不可用</translation>
    </message>
    <message numerus="yes">
        <location filename="../../kbapp/gui/main_window.py" line="204"/>
        <source>⚠ %n library problem(s)</source>
        <translation><numerusform>⚠ 知识库有 %n 个问题</numerusform></translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/main_window.py" line="217"/>
        <source>Did you mean: %1?</source>
        <translation>您是不是要找：%1？</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/main_window.py" line="219"/>
        <source>No results for “%1”; showing results for %2.</source>
        <translation>没有“%1”的结果；以下是 %2 的结果。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/main_window.py" line="225"/>
        <source>No results for “%1”.</source>
        <translation>没有“%1”的结果。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/main_window.py" line="280"/>
        <source>Command of step %1 copied to the clipboard</source>
        <translation>第 %1 步的命令已复制到剪贴板</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/main_window.py" line="315"/>
        <source>Import Markdown files</source>
        <translation>导入 Markdown 文件</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/main_window.py" line="316"/>
        <source>Markdown (*.md *.markdown *.txt);;All files (*)</source>
        <translation>Markdown (*.md *.markdown *.txt);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/main_window.py" line="326"/>
        <source>Imported %1, failed %2.</source>
        <translation>已导入 %1 个，失败 %2 个。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/main_window.py" line="333"/>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/main_window.py" line="338"/>
        <source>Rebuilding index…</source>
        <translation>正在重建索引…</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/main_window.py" line="345"/>
        <source>Preferences</source>
        <translation>首选项</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/main_window.py" line="345"/>
        <source>The new language applies when kbapp is restarted.</source>
        <translation>新的界面语言将在 kbapp 重新启动后生效。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/main_window.py" line="348"/>
        <source>About kbapp</source>
        <translation>关于 kbapp</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/main_window.py" line="349"/>
        <source>kbapp: an offline knowledge base of emergency playbooks for IT operations support.
Data home: %1</source>
        <translation>kbapp：面向 IT 运维支持的离线应急预案知识库。
数据目录：%1</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/main_window.py" line="355"/>
        <source>kbapp</source>
        <translation>kbapp</translation>
    </message>
</context>
<context>
    <name>ProblemsDialog</name>
    <message>
        <location filename="../../kbapp/gui/problems.py" line="15"/>
        <source>Library problems</source>
        <translation>知识库问题</translation>
    </message>
    <message numerus="yes">
        <location filename="../../kbapp/gui/problems.py" line="41"/>
        <source>%n file problem(s): these files are skipped or loaded as plain documents.</source>
        <translation><numerusform>%n 个文件问题：这些文件被跳过，或作为普通文档加载。</numerusform></translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/problems.py" line="43"/>
        <source>The library has no problems.</source>
        <translation>知识库没有问题。</translation>
    </message>
</context>
<context>
    <name>ProblemsModel</name>
    <message>
        <location filename="../../kbapp/gui/models.py" line="73"/>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/models.py" line="73"/>
        <source>Line</source>
        <translation>行</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/models.py" line="74"/>
        <source>Severity</source>
        <translation>严重程度</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/models.py" line="74"/>
        <source>Message</source>
        <translation>说明</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../kbapp/gui/settings_dialog.py" line="15"/>
        <source>Preferences</source>
        <translation>首选项</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/settings_dialog.py" line="19"/>
        <source>System default</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/settings_dialog.py" line="26"/>
        <source>A new language applies the next time kbapp starts.</source>
        <translation>新的界面语言将在下次启动 kbapp 时生效。</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/settings_dialog.py" line="32"/>
        <source>Language:</source>
        <translation>界面语言：</translation>
    </message>
    <message>
        <location filename="../../kbapp/gui/settings_dialog.py" line="33"/>
        <source>Engineer name:</source>
        <translation>工程师姓名：</translation>
    </message>
</context>
</TS>
